'use strict';
/**
 * caller latency: what a business service waits for one message, one request at a time.
 * Ours: POST /v1/messages to our API while our worker drains to the sandbox. Direct: a
 * synchronous template send to the sandbox at 50 ms latency — the call this service replaces.
 */

const { alternate } = require('../lib/alternate');
const { closedLoop } = require('../lib/load');
const { deletePrefix } = require('../lib/redis');
const { MESSAGE, startOurWorker, wechatBody } = require('../lib/stack');
const { fmt, median } = require('../lib/stats');

function callerOnce(ctx, target) {
  const durationMs = ctx.settings.callerSeconds * 1000;
  if (target.name === 'ours') {
    return closedLoop({
      url: `${target.url}/v1/messages`,
      headers: target.headers,
      body: MESSAGE,
      durationMs,
      check: (status) => status === 202,
    });
  }
  return closedLoop({
    url: `${ctx.sandbox.url}/cgi-bin/message/template/send?access_token=${ctx.token}`,
    body: wechatBody(MESSAGE),
    durationMs,
    check: (status, text) => status === 200 && JSON.parse(text).errcode === 0,
  });
}

async function runCaller(ctx) {
  const { settings, sandbox } = ctx;
  console.log(
    `caller latency: 1 connection, ${settings.callerSeconds} s per run; our POST (worker ` +
      `running) vs a direct send to the sandbox at ${settings.callerLatencyMs} ms`,
  );
  sandbox.reset();
  sandbox.configure({ latencyMs: settings.callerLatencyMs });
  const worker = await startOurWorker({
    redisUrl: ctx.redis.url,
    logDir: ctx.logDir,
    api: ctx.apis.ours,
    sandboxUrl: sandbox.url,
    concurrency: settings.drainConcurrency,
  });
  try {
    const results = await alternate({
      label: 'caller',
      rounds: settings.rounds,
      variants: { ours: ctx.apis.ours, bare: { name: 'direct' } },
      once: (target) => callerOnce(ctx, target),
      describe: (r) =>
        `p50 ${r.p50.toFixed(2)} ms  p99 ${r.p99.toFixed(2)} ms  (${fmt(r.count)} calls)`,
    });
    const summary = (side) => ({
      p50: median(results[side].map((r) => r.p50)),
      p99: median(results[side].map((r) => r.p99)),
    });
    return { ours: summary('ours'), direct: summary('bare'), runs: results };
  } finally {
    await worker.stop();
    await deletePrefix(ctx.redis.client, ctx.apis.ours.prefix);
  }
}

module.exports = { runCaller };
