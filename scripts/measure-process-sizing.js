#!/usr/bin/env node
'use strict';
/**
 * Process sizing for deploy/k8s (requests/limits) and docs/operations.md: pushes messages
 * through the real API and worker processes (built code) to the WeChat sandbox and samples the
 * RSS and CPU time of both processes from /proc. Prints numbers; asserts nothing.
 *
 *   npx tsc -b && node scripts/measure-process-sizing.js
 *
 * Environment (all optional):
 *   REDIS_URL              default redis://127.0.0.1:6379 (keys go under a unique prefix and
 *                          are deleted at the end); on a Redis nobody else uses, the Redis
 *                          server's own CPU per message is meaningful too
 *   SIZING_MESSAGES        messages to send (default 5000)
 *   SIZING_CONCURRENCY     POSTs in flight (default 32)
 *   SIZING_BATCH           messages per request: 1 = POST /v1/messages (default), >1 = batches
 *                          through POST /v1/messages/batch
 *   SIZING_LATENCY_MS      the sandbox's delay before answering a send (default 50)
 *   SIZING_WORKERS         worker processes (default 1)
 *   SIZING_MODE            `concurrent` (default): workers send while the API takes POSTs, as
 *                          in production; `drain`: the app's queue is paused while the POSTs
 *                          go in, then resumed, so the workers' CPU and their top drain rate
 *                          (WORKER_CONCURRENCY / latency, or CPU) are measured on their own
 *   WORKER_CONCURRENCY     passed to the workers (default 50)
 *   LOG_LEVEL              passed to api and workers (default info, as in production)
 *
 * Everything listens on 127.0.0.1; the load is bounded by SIZING_MESSAGES and a 5-minute cap;
 * every process it starts is stopped (SIGTERM, then SIGKILL after 30 s) before it exits. Linux
 * only (reads /proc).
 */

const { spawn, execFileSync } = require('node:child_process');
const { readFileSync } = require('node:fs');
const { freePort } = require('../bench/lib/net');
const path = require('node:path');
const { randomBytes } = require('node:crypto');
const { Queue } = require('bullmq');
const { SEND_QUEUE } = require('@wechat-dispatch/core');
const { startSandbox } = require('@wechat-dispatch/sandbox');
const { createRedis, connectRedis, closeRedis } = require('@wechat-dispatch/shared');

const ROOT = path.resolve(__dirname, '..');
const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const MESSAGES = Number(process.env.SIZING_MESSAGES || 5000);
const CONCURRENCY = Number(process.env.SIZING_CONCURRENCY || 32);
const BATCH = Number(process.env.SIZING_BATCH || 1);
const LATENCY_MS = Number(process.env.SIZING_LATENCY_MS || 50);
const WORKERS = Number(process.env.SIZING_WORKERS || 1);
const DRAIN = process.env.SIZING_MODE === 'drain';
const WORKER_CONCURRENCY = process.env.WORKER_CONCURRENCY || '50';
const LOG_LEVEL = process.env.LOG_LEVEL || 'info';
const DEADLINE_MS = 5 * 60 * 1000;
const APP = { appId: 'wx0123456789abcdef', appSecret: 'sizing-secret-0123456789' };
const API_KEY = 'sizing-key-0123456789abcdef';
const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** CPU time (user + system, ms) and memory (kB) of one process, from /proc. */
function procSample(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may contain spaces) start at field 3.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
  return { cpuMs: (ticks * 1000) / CLK_TCK, rssKb: kb('VmRSS'), hwmKb: kb('VmHWM') };
}

/** A child process whose stdout lines are counted (log volume) and can be waited for. */
function startChild(name, entry, env) {
  const child = spawn(process.execPath, [path.join(ROOT, entry)], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const state = { name, child, lines: 0, bytes: 0, waiters: [], tail: [], exited: false };
  let buffer = '';
  child.stdout.on('data', (chunk) => {
    state.bytes += chunk.length;
    buffer += chunk.toString();
    const lines = buffer.split('\n');
    buffer = lines.pop();
    for (const line of lines) {
      state.lines += 1;
      state.tail.push(line);
      if (state.tail.length > 20) {
        state.tail.shift();
      }
      state.waiters = state.waiters.filter(({ match, resolve }) => {
        if (match(line)) {
          resolve();
          return false;
        }
        return true;
      });
    }
  });
  child.stderr.on('data', (chunk) => process.stderr.write(`[${name}] ${chunk}`));
  child.on('exit', () => {
    state.exited = true;
  });
  state.waitForLine = (match, timeoutMs = 30000) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `${name}: no matching line in ${timeoutMs} ms; last lines:\n${state.tail.join('\n')}`,
            ),
          ),
        timeoutMs,
      );
      state.waiters.push({
        match,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  state.stop = () =>
    new Promise((resolve) => {
      if (state.exited) {
        resolve();
        return;
      }
      const killer = setTimeout(() => child.kill('SIGKILL'), 30000);
      child.once('exit', () => {
        clearTimeout(killer);
        resolve();
      });
      child.kill('SIGTERM');
    });
  return state;
}

function body(i) {
  return {
    type: 'template',
    toUser: `oSizingUser${String(i).padStart(17, '0')}`,
    templateId: 'TPL_ORDER_SHIPPED',
    data: { thing1: { value: '订单已发货' }, time2: '2026-11-26 10:00' },
    url: `https://example.com/orders/${100000 + i}`,
    metadata: { orderId: String(100000 + i) },
  };
}

/** Sum of wxd_sends_total{outcome="sent"} over the workers' /metrics. */
async function sentCount(metricsUrls) {
  let total = 0;
  for (const url of metricsUrls) {
    const text = await (await fetch(url)).text();
    for (const line of text.split('\n')) {
      if (line.startsWith('wxd_sends_total{') && line.includes('outcome="sent"')) {
        total += Number(line.slice(line.lastIndexOf(' ') + 1));
      }
    }
  }
  return total;
}

async function redisCpuSeconds(redis) {
  const info = await redis.info('cpu');
  const read = (name) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)[1]);
  return read('used_cpu_user') + read('used_cpu_sys');
}

async function deleteKeysUnder(redis, root) {
  let cursor = '0';
  let removed = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${root}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) {
      removed += await redis.unlink(...keys);
    }
  } while (cursor !== '0');
  return removed;
}

async function main() {
  const prefix = `wxdsize${randomBytes(4).toString('hex')}`;
  const redis = createRedis(REDIS_URL, 'client', 'wxd-measure-sizing');
  await connectRedis(redis);
  const sandbox = await startSandbox({ apps: [APP], latencyMs: LATENCY_MS });
  const apiPort = await freePort();
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const common = {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    REDIS_URL,
    QUEUE_PREFIX: prefix,
    LOG_LEVEL,
    WECHAT_APPS: `${APP.appId}:${APP.appSecret}`,
    // e.g. --max-old-space-size=128, to see how the processes do with the heap a limit allows.
    ...(process.env.SIZING_NODE_OPTIONS ? { NODE_OPTIONS: process.env.SIZING_NODE_OPTIONS } : {}),
  };
  const children = [];
  const metricsUrls = [];
  const queue = new Queue(SEND_QUEUE, { connection: redis, prefix: `{${prefix}}` });
  queue.on('error', () => undefined);
  try {
    if (DRAIN) {
      await queue.pause();
    }
    const api = startChild('api', 'apps/api/dist/main.js', {
      ...common,
      PORT: String(apiPort),
      API_KEYS: `sizing:${API_KEY}`,
      // High enough never to answer 429 here, but on, so its Redis call is in the cost.
      API_RATE_LIMIT_PER_MIN: '10000000',
    });
    children.push(api);
    await api.waitForLine((l) => l.includes('api listening'));
    const workers = [];
    for (let i = 0; i < WORKERS; i++) {
      const port = await freePort();
      const worker = startChild(`worker${i + 1}`, 'apps/worker/dist/main.js', {
        ...common,
        WECHAT_API_BASE: sandbox.url,
        WORKER_HTTP_PORT: String(port),
        WORKER_CONCURRENCY,
      });
      children.push(worker);
      workers.push(worker);
      metricsUrls.push(`http://127.0.0.1:${port}/metrics`);
      await worker.waitForLine((l) => l.includes('worker started'));
    }

    // Idle: after start-up, before any message.
    await sleep(3000);
    const idle = children.map((c) => procSample(c.child.pid));
    const logsBefore = children.map((c) => c.bytes);
    const redisCpuBefore = await redisCpuSeconds(redis);

    // Sample every 250 ms during the load: the peak RSS under load, besides VmHWM.
    const peakRssKb = children.map(() => 0);
    const sampler = setInterval(() => {
      children.forEach((c, i) => {
        if (!c.exited) {
          peakRssKb[i] = Math.max(peakRssKb[i], procSample(c.child.pid).rssKb);
        }
      });
    }, 250);

    const started = Date.now();
    const headers = { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' };
    const requests = Math.ceil(MESSAGES / BATCH);
    let next = 0;
    let accepted = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < requests && Date.now() - started < DEADLINE_MS) {
          const r = next++;
          const first = r * BATCH;
          const count = Math.min(BATCH, MESSAGES - first);
          const res =
            BATCH === 1
              ? await fetch(`${apiUrl}/v1/messages`, {
                  method: 'POST',
                  headers,
                  body: JSON.stringify(body(first)),
                })
              : await fetch(`${apiUrl}/v1/messages/batch`, {
                  method: 'POST',
                  headers,
                  body: JSON.stringify({
                    messages: Array.from({ length: count }, (_, j) => body(first + j)),
                  }),
                });
          if (res.status !== 202) {
            throw new Error(`POST answered ${res.status}: ${await res.text()}`);
          }
          await res.arrayBuffer();
          accepted += count;
        }
      }),
    );
    const acceptedAt = Date.now();
    const afterPosts = children.map((c) => procSample(c.child.pid));
    if (DRAIN) {
      await queue.resume();
    }
    let sent = 0;
    while (Date.now() - started < DEADLINE_MS) {
      sent = await sentCount(metricsUrls);
      if (sent >= accepted) {
        break;
      }
      await sleep(100);
    }
    const doneAt = Date.now();
    clearInterval(sampler);
    const loaded = children.map((c) => procSample(c.child.pid));
    const heaps = await Promise.all(
      [`${apiUrl}/metrics`, ...metricsUrls].map(async (url) => {
        const text = await (await fetch(url)).text();
        const read = (name) =>
          Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
        const prefix = url === `${apiUrl}/metrics` ? 'wxd_api_' : 'wxd_worker_';
        return {
          used: read(`${prefix}nodejs_heap_size_used_bytes`),
          total: read(`${prefix}nodejs_heap_size_total_bytes`),
        };
      }),
    );
    const redisCpuAfter = await redisCpuSeconds(redis);

    // Each process's CPU is counted over the window in which it worked: the workers' from the
    // queue's resume in drain mode.
    const from = (i) => (DRAIN && i > 0 ? afterPosts[i] : idle[i]);
    const windowMs = (i) =>
      DRAIN && i > 0
        ? doneAt - acceptedAt
        : i === 0 && DRAIN
          ? acceptedAt - started
          : doneAt - started;
    const per1000 = (ms) => ((ms / Math.max(1, sent)) * 1000).toFixed(0);
    const secs = (ms) => (ms / 1000).toFixed(1);
    console.log(
      `${accepted} messages accepted (${BATCH === 1 ? 'POST /v1/messages' : `batches of ${BATCH}`}, ${CONCURRENCY} in flight) ` +
        `in ${secs(acceptedAt - started)} s = ${(accepted / ((acceptedAt - started) / 1000)).toFixed(0)} msg/s; ` +
        (DRAIN
          ? `then the queue resumed: ${sent} sent in ${secs(doneAt - acceptedAt)} s = ${(sent / ((doneAt - acceptedAt) / 1000)).toFixed(0)} msg/s drain rate`
          : `${sent} sent in ${secs(doneAt - started)} s = ${(sent / ((doneAt - started) / 1000)).toFixed(0)} msg/s end to end`),
    );
    console.log(
      `sandbox latency ${LATENCY_MS} ms, ${WORKERS} worker(s) × WORKER_CONCURRENCY ${WORKER_CONCURRENCY}, LOG_LEVEL ${LOG_LEVEL}, ` +
        `node ${process.version}, ${require('node:os').cpus().length} CPUs`,
    );
    console.log('');
    console.log(
      'process   idle RSS  peak RSS (load)  VmHWM   heap used/total  CPU during load  CPU per 1000 msgs  CPU use  log bytes/msg',
    );
    children.forEach((c, i) => {
      const cpu = loaded[i].cpuMs - from(i).cpuMs;
      console.log(
        `${c.name.padEnd(8)}  ${String(Math.round(idle[i].rssKb / 1024)).padStart(5)} MiB  ${String(Math.round(peakRssKb[i] / 1024)).padStart(8)} MiB` +
          `  ${String(Math.round(loaded[i].hwmKb / 1024)).padStart(4)} MiB` +
          `  ${String(Math.round(heaps[i].used / 2 ** 20)).padStart(5)}/${String(Math.round(heaps[i].total / 2 ** 20)).padEnd(3)} MiB` +
          `  ${String(Math.round(cpu)).padStart(9)} ms` +
          `  ${per1000(cpu).padStart(12)} ms  ${((cpu / windowMs(i)) * 100).toFixed(0).padStart(5)} %` +
          `  ${((c.bytes - logsBefore[i]) / Math.max(1, sent)).toFixed(0).padStart(8)}`,
      );
    });
    console.log(
      `redis     CPU during load ${Math.round((redisCpuAfter - redisCpuBefore) * 1000)} ms = ` +
        `${per1000((redisCpuAfter - redisCpuBefore) * 1000)} ms per 1000 msgs (whole server: only meaningful on a Redis nobody else uses)`,
    );
    console.log(
      DRAIN
        ? '("CPU use" = CPU time / wall time of the POSTs (api) or of the drain (workers); 100 % = one core)'
        : '("CPU use" = CPU time / wall time from first POST to last send; 100 % = one core)',
    );
  } finally {
    await Promise.all(children.map((c) => c.stop()));
    await queue.close().catch(() => undefined);
    await sandbox.close();
    const removed = await deleteKeysUnder(redis, `{${prefix}}`);
    console.log(
      `cleanup: ${children.length} processes stopped, ${removed} keys under {${prefix}} removed`,
    );
    await closeRedis(redis);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
