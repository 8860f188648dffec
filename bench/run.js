'use strict';
/**
 * `npm run bench` (after `npm run build`): our API and worker against bare BullMQ and against a
 * direct send to WeChat (the in-process sandbox), side by side, as ratios. See
 * docs/benchmarks.md for the method.
 *
 * Environment (all optional):
 *   BENCH_REDIS=private   spawn redis-server (AOF off) on a free port in a temp dir; otherwise
 *                         REDIS_URL (default redis://127.0.0.1:6379), keys under unique
 *                         prefixes, deleted after every run
 *   BENCH_PHASES          comma-separated subset of enqueue,batch,drain,caller (default all)
 *   BENCH_ROUNDS, BENCH_ENQUEUE_SECONDS, BENCH_CONNECTIONS, … see bench/lib/settings.js
 *   BENCH_OURS_ENV        extra NAME=value,… for our API and worker (what a setting costs)
 *   BENCH_JSON            write every measurement to this file
 *   BENCH_KEEP_LOGS=1     keep the processes' logs (their directory is printed)
 *
 * Everything listens on 127.0.0.1, every load is bounded in time or count, and every process
 * started here is stopped at the end, on an error or on Ctrl-C.
 */

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startSandbox } = require('@wechat-dispatch/sandbox');
const { runBatch } = require('./phases/batch');
const { runCaller } = require('./phases/caller');
const { runDrain } = require('./phases/drain');
const { runEnqueue } = require('./phases/enqueue');
const { killAll } = require('./lib/processes');
const { openRedis } = require('./lib/redis');
const { machine, redisTable, summaryLine, table } = require('./lib/report');
const { loadSettings } = require('./lib/settings');
const { APP, fetchToken, startBareApi, startOurApi } = require('./lib/stack');

const PHASES = { enqueue: runEnqueue, batch: runBatch, drain: runDrain, caller: runCaller };

function selectedPhases() {
  const names = (process.env.BENCH_PHASES || Object.keys(PHASES).join(','))
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  for (const name of names) {
    if (!PHASES[name]) {
      throw new Error(`BENCH_PHASES: unknown phase ${name} (known: ${Object.keys(PHASES)})`);
    }
  }
  return names;
}

async function main() {
  const started = Date.now();
  const settings = loadSettings();
  const phases = selectedPhases();
  const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wxd-bench-'));
  const cleanups = [];
  try {
    const redis = await openRedis(logDir);
    cleanups.push(async () => {
      redis.client.disconnect();
      await redis.stop();
    });
    console.log(`machine: ${machine(redis)}`);
    const sandbox = await startSandbox({ apps: [APP] });
    cleanups.push(() => sandbox.close());
    const [ours, bare] = await Promise.all([
      startOurApi({ redisUrl: redis.url, logDir }),
      startBareApi({ redisUrl: redis.url, logDir }),
    ]);
    cleanups.push(() => Promise.all([ours.proc.stop(), bare.proc.stop()]));
    const ctx = {
      settings,
      redis,
      sandbox,
      logDir,
      appId: APP.appId,
      apis: { ours, bare },
      token: await fetchToken(sandbox.url),
    };

    const results = {};
    for (const name of phases) {
      results[name] = await PHASES[name](ctx);
    }

    console.log(`\n${table(results)}\n\n${redisTable(results)}\n`);
    if (process.env.BENCH_JSON) {
      const json = { machine: machine(redis), settings, results, at: new Date().toISOString() };
      fs.writeFileSync(process.env.BENCH_JSON, JSON.stringify(json, null, 2));
    }
    console.log(`wall time ${((Date.now() - started) / 1000).toFixed(0)} s`);
    console.log(summaryLine(results, settings));
  } finally {
    for (const cleanup of cleanups.reverse()) {
      await Promise.resolve()
        .then(cleanup)
        .catch((err) => console.error(`cleanup: ${err.message}`));
    }
    if (process.env.BENCH_KEEP_LOGS) {
      console.log(`logs: ${logDir}`);
    } else {
      fs.rmSync(logDir, { recursive: true, force: true });
    }
  }
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping every process`);
    killAll();
    process.exit(130);
  });
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(`bench failed: ${err.stack ?? err}`);
    killAll();
    process.exit(1);
  },
);
