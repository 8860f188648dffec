'use strict';
/**
 * drain: 10,000 messages are queued through each stack's own batch route with no worker
 * running; then one worker process (concurrency 100) starts and the clock runs from its ready
 * line until the sandbox (20 ms per send) has all of them. Ours: the real worker (records,
 * sent-guard, token service, logging, metrics). Baseline: a bare BullMQ Worker posting with a
 * cached token. Also the worker's peak RSS and Redis work per message. An untimed drain of
 * each side warms the sandbox up first.
 */

const { alternate } = require('../lib/alternate');
const { sleep } = require('../lib/processes');
const { deletePrefix, medianPerMessage, perMessage, redisCounters } = require('../lib/redis');
const { MESSAGE, startBareWorker, startOurWorker } = require('../lib/stack');
const { fmt, median } = require('../lib/stats');

const FILL_BATCH = 1000;

/** Queues `count` messages through the stack's batch route. */
async function fill(api, count) {
  for (let done = 0; done < count; done += FILL_BATCH) {
    const n = Math.min(FILL_BATCH, count - done);
    const res = await fetch(`${api.url}/v1/messages/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...api.headers },
      body: JSON.stringify({ messages: Array.from({ length: n }, () => MESSAGE) }),
    });
    if (res.status !== 202) {
      throw new Error(`${api.name} batch answered ${res.status}: ${await res.text()}`);
    }
  }
}

/** Resolves when the sandbox has recorded `count` deliveries since its reset. */
async function untilDelivered(sandbox, count, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (sandbox.stats().deliveries < count) {
    if (Date.now() > deadline) {
      throw new Error(
        `only ${sandbox.stats().deliveries} of ${count} delivered in ${timeoutMs} ms`,
      );
    }
    await sleep(5);
  }
}

async function drainOnce(ctx, api, messages = ctx.settings.drainMessages) {
  const { settings, sandbox } = ctx;
  sandbox.reset();
  sandbox.configure({ latencyMs: settings.drainLatencyMs });
  await fill(api, messages);
  const before = await redisCounters(ctx.redis.client);
  const options = {
    redisUrl: ctx.redis.url,
    logDir: ctx.logDir,
    api,
    sandboxUrl: sandbox.url,
    concurrency: settings.drainConcurrency,
    token: ctx.token,
  };
  const worker = await (api.name === 'ours' ? startOurWorker : startBareWorker)(options);
  const started = performance.now();
  const cpuBefore = worker.cpuMs();
  const hostBefore = process.cpuUsage();
  try {
    await untilDelivered(sandbox, messages, 180000);
    const seconds = (performance.now() - started) / 1000;
    const cpuUs = ((worker.cpuMs() - cpuBefore) * 1000) / messages;
    const host = process.cpuUsage(hostBefore);
    const sandboxCpuUs = (host.user + host.system) / messages;
    // The last record updates and job completions land just after the last delivery.
    await sleep(200);
    const after = await redisCounters(ctx.redis.client);
    const stats = sandbox.stats();
    return {
      mps: messages / seconds,
      seconds,
      cpuUs,
      sandboxCpuUs,
      peakRssMb: (worker.peakRssKb() ?? NaN) / 1024,
      failedSends: stats.sendCalls[ctx.appId]?.template - stats.deliveries,
      redis: perMessage(before, after, messages),
    };
  } finally {
    await worker.stop();
    await deletePrefix(ctx.redis.client, api.prefix);
  }
}

async function runDrain(ctx) {
  const { settings } = ctx;
  console.log(
    `drain: ${fmt(settings.drainMessages)} queued messages, 1 worker process at concurrency ` +
      `${settings.drainConcurrency}, sandbox latency ${settings.drainLatencyMs} ms`,
  );
  // An untimed drain of each side first: the in-process sandbox (and Redis) warm up on it, so
  // the first timed run — always ours — does not pay for that alone.
  for (const api of Object.values(ctx.apis)) {
    await drainOnce(ctx, api, settings.drainWarmupMessages);
  }
  const results = await alternate({
    label: 'drain',
    rounds: settings.drainRounds,
    variants: ctx.apis,
    once: (api) => drainOnce(ctx, api),
    describe: (r) =>
      `${fmt(r.mps)} msg/s  (${r.seconds.toFixed(2)} s)  worker CPU ${fmt(r.cpuUs)} µs/msg  ` +
      `sandbox CPU ${fmt(r.sandboxCpuUs)} µs/msg  peak RSS ${fmt(r.peakRssMb)} MB  ` +
      `redis ${r.redis.commands.toFixed(1)} cmds/msg`,
  });
  const summary = (side) => ({
    mps: median(results[side].map((r) => r.mps)),
    cpuUs: median(results[side].map((r) => r.cpuUs)),
    peakRssMb: median(results[side].map((r) => r.peakRssMb)),
    redis: medianPerMessage(results[side].map((r) => r.redis)),
  });
  return { ours: summary('ours'), bare: summary('bare'), runs: results };
}

module.exports = { runDrain };
