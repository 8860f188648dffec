'use strict';
/**
 * `npm run bench:tenancy` (after `npm run build`): what one API and one worker cost as the number
 * of WeChat apps grows (issue #16). For each app count, on a private redis-server of its own:
 * the apps are added through the operator routes (`PUT /v1/admin/apps/:appId`, the registry),
 * then one worker starts (`WORKER_CONCURRENCY=100`), and we read
 *   - Redis connections of the worker process (connected clients with it minus without it),
 *   - idle Redis commands per second (every client: API and worker, nothing queued, over 5 s),
 *   - the worker's resident memory once idle,
 *   - drain: 4,000 messages spread evenly over the apps are queued with the worker stopped, a
 *     fresh worker starts, and the clock runs from its ready line until the sandbox (20 ms per
 *     send) has all of them; the median of BENCH_TENANCY_ROUNDS such drains, after an untimed
 *     one with a message per app (so every app's token is cached, as in a running service).
 * It prints the table and the ratios at 1,000 apps against 1 app that issue #16 sets targets on.
 *
 * Environment (all optional):
 *   BENCH_TENANCY_APPS     comma-separated app counts (default 1,100,1000,10000)
 *   BENCH_TENANCY_MESSAGES messages of the drain (default 4000)
 *   BENCH_TENANCY_ROUNDS   drains per app count, the median is reported (default 5: one drain
 *                          lasts about 2 s, and a single one varies by ±10 %)
 *   BENCH_KEEP_LOGS=1      keep the processes' logs (their directory is printed)
 */

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startSandbox } = require('@wechat-dispatch/sandbox');
const { killAll, sleep, startNode } = require('./lib/processes');
const { freePort } = require('./lib/net');
const { startPrivateRedisClient } = require('./lib/redis');
const { fmt, median } = require('./lib/stats');

const API_KEY = 'bench-tenancy-key-0123456789';
const HEADERS = { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' };
const SECRETS_KEY = Buffer.alloc(32, 11).toString('base64');
const CONCURRENCY = 100;
const LATENCY_MS = 20;
const IDLE_SECONDS = 5;
const PUT_CONCURRENCY = 50;

function appsOf(count) {
  return Array.from({ length: count }, (_, i) => ({
    appId: `wxbench${String(i).padStart(11, '0')}`,
    appSecret: `bench-secret-${i}`,
  }));
}

function env(redisUrl, extra) {
  return {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: 'wxd',
    LOG_LEVEL: 'info',
    APP_SECRETS_KEY: SECRETS_KEY,
    ...extra,
  };
}

async function untilOk(url, proc) {
  for (let i = 0; i < 1500; i += 1) {
    if (
      await fetch(url).then(
        (r) => r.ok,
        () => false,
      )
    ) {
      return;
    }
    if (proc.exited) {
      throw new Error(`${proc.name} exited:\n${proc.output().slice(-2000)}`);
    }
    await sleep(20);
  }
  throw new Error(`${proc.name} did not answer ${url}`);
}

/** Adds every app through the operator route, `PUT_CONCURRENCY` at a time. */
async function registerApps(apiUrl, apps) {
  let next = 0;
  await Promise.all(
    Array.from({ length: PUT_CONCURRENCY }, async () => {
      while (next < apps.length) {
        const app = apps[next++];
        const res = await fetch(`${apiUrl}/v1/admin/apps/${app.appId}`, {
          method: 'PUT',
          headers: HEADERS,
          body: JSON.stringify({ appSecret: app.appSecret, kind: 'official_account' }),
        });
        if (res.status !== 201 && res.status !== 200) {
          throw new Error(`PUT ${app.appId} answered ${res.status}: ${await res.text()}`);
        }
      }
    }),
  );
}

/** Queues `count` template messages, message i to app i mod apps, through the batch route. */
async function fill(apiUrl, apps, count) {
  for (let done = 0; done < count; done += 1000) {
    const messages = Array.from({ length: Math.min(1000, count - done) }, (_, i) => ({
      type: 'template',
      appId: apps[(done + i) % apps.length].appId,
      toUser: 'oBenchTenancyUser01',
      templateId: 'TPL_ORDER_SHIPPED',
      data: { thing1: { value: '订单已发货' } },
    }));
    const res = await fetch(`${apiUrl}/v1/messages/batch`, {
      method: 'POST',
      headers: HEADERS,
      body: JSON.stringify({ messages }),
    });
    if (res.status !== 202) {
      throw new Error(`batch answered ${res.status}: ${await res.text()}`);
    }
  }
}

function rssMb(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)[1]) / 1024;
}

async function connectedClients(redis) {
  const info = await redis.info('clients');
  return Number(/connected_clients:(\d+)/.exec(info)[1]);
}

async function commandsProcessed(redis) {
  const info = await redis.info('stats');
  return Number(/total_commands_processed:(\d+)/.exec(info)[1]);
}

async function untilDelivered(sandbox, count, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (sandbox.stats().deliveries < count) {
    if (Date.now() > deadline) {
      throw new Error(`only ${sandbox.stats().deliveries} of ${count} delivered`);
    }
    await sleep(5);
  }
}

/** One app count, on its own Redis; resolves with its row. */
async function measure(count, messages, rounds, logDir) {
  const apps = appsOf(count);
  const redis = await startPrivateRedisClient(path.join(logDir, `redis-${count}`));
  const sandbox = await startSandbox({ apps });
  sandbox.configure({ latencyMs: LATENCY_MS });
  const procs = [];
  try {
    const port = await freePort();
    const api = startNode(`api-${count}`, 'apps/api/dist/main.js', {
      logDir,
      env: env(redis.url, {
        PORT: String(port),
        API_KEYS: `bench:${API_KEY}`,
        API_ADMIN_CALLERS: 'bench',
        API_RATE_LIMIT_PER_MIN: '0',
      }),
    });
    procs.push(api);
    const apiUrl = `http://127.0.0.1:${port}`;
    await untilOk(`${apiUrl}/healthz`, api);
    const registerStarted = Date.now();
    await registerApps(apiUrl, apps);
    const registerMs = Date.now() - registerStarted;

    const startWorker = async (name) => {
      const worker = startNode(name, 'apps/worker/dist/main.js', {
        logDir,
        env: env(redis.url, {
          WECHAT_API_BASE: sandbox.url,
          WORKER_HTTP_PORT: '0',
          WORKER_CONCURRENCY: String(CONCURRENCY),
        }),
      });
      procs.push(worker);
      await worker.waitForLine('worker started', 120000);
      return worker;
    };

    await sleep(1000);
    const withoutWorker = await connectedClients(redis.client);
    const idleWorker = await startWorker(`worker-idle-${count}`);
    await sleep(2000);
    const connections = (await connectedClients(redis.client)) - withoutWorker;
    const before = await commandsProcessed(redis.client);
    await sleep(IDLE_SECONDS * 1000);
    // Less the INFO that read `before` (the one reading `after` is not counted yet).
    const idlePerSecond = ((await commandsProcessed(redis.client)) - before - 1) / IDLE_SECONDS;
    const rss = rssMb(idleWorker.pid);
    await idleWorker.stop();

    // Warm-up, untimed: one message per app, so every app's access token is in Redis, as in a
    // service that has been running (a cold start adds one token fetch per app).
    await fill(apiUrl, apps, count);
    sandbox.reset();
    const warmWorker = await startWorker(`worker-warm-${count}`);
    await untilDelivered(sandbox, count, 300000);
    await warmWorker.stop();

    const drains = [];
    for (let round = 1; round <= rounds; round += 1) {
      await fill(apiUrl, apps, messages);
      sandbox.reset();
      const drainWorker = await startWorker(`worker-drain-${count}-${round}`);
      const started = Date.now();
      await untilDelivered(sandbox, messages, 300000);
      drains.push(messages / ((Date.now() - started) / 1000));
      await drainWorker.stop();
    }
    const drainPerSecond = median(drains);
    return { count, connections, idlePerSecond, rss, drainPerSecond, drains, registerMs };
  } finally {
    await Promise.all(procs.map((p) => p.stop()));
    await sandbox.close();
    redis.client.disconnect();
    await redis.stop();
  }
}

function printTable(rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  console.log(
    line([
      'apps',
      'Redis connections (worker)',
      'idle Redis commands/s',
      'worker RSS',
      'drain msg/s',
    ]),
  );
  console.log(line(['---:', '---:', '---:', '---:', '---:']));
  for (const r of rows) {
    console.log(
      line([
        fmt(r.count),
        fmt(r.connections),
        fmt(r.idlePerSecond, 1),
        `${fmt(r.rss)} MB`,
        fmt(r.drainPerSecond),
      ]),
    );
  }
}

function printTargets(rows) {
  const one = rows.find((r) => r.count === 1);
  const thousand = rows.find((r) => r.count === 1000);
  if (!one || !thousand) {
    return;
  }
  const check = (ok) => (ok ? 'met' : 'MISSED');
  const rss = thousand.rss / one.rss;
  const drain = thousand.drainPerSecond / one.drainPerSecond;
  console.log('\nTargets at 1,000 apps (issue #16):');
  console.log(
    `  Redis connections per worker ${thousand.connections} (≤ 10): ${check(thousand.connections <= 10)}`,
  );
  console.log(
    `  idle Redis ${fmt(thousand.idlePerSecond, 1)} commands/s (≤ 50): ${check(thousand.idlePerSecond <= 50)}`,
  );
  console.log(`  worker RSS ${fmt(rss, 2)}× the 1-app figure (≤ 1.2×): ${check(rss <= 1.2)}`);
  console.log(`  drain ${fmt(drain, 2)}× the 1-app drain (≥ 0.9×): ${check(drain >= 0.9)}`);
}

async function main() {
  const counts = (process.env.BENCH_TENANCY_APPS || '1,100,1000,10000')
    .split(',')
    .map((s) => Number(s.trim()))
    .filter((n) => Number.isInteger(n) && n > 0);
  const messages = Number(process.env.BENCH_TENANCY_MESSAGES || 4000);
  const rounds = Number(process.env.BENCH_TENANCY_ROUNDS || 5);
  const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wxd-bench-tenancy-'));
  console.log(
    `bench:tenancy — one API, one worker (concurrency ${CONCURRENCY}), sandbox latency ${LATENCY_MS} ms, ` +
      `${messages} messages spread evenly over the apps; ${os.cpus().length} cores, node ${process.version}`,
  );
  const rows = [];
  try {
    for (const count of counts) {
      const row = await measure(count, messages, rounds, logDir);
      console.log(
        `  ${count} apps: registered in ${row.registerMs} ms; ${row.connections} connections, ` +
          `${fmt(row.idlePerSecond, 1)} idle commands/s, ${fmt(row.rss)} MB, drains ${row.drains.map((d) => fmt(d)).join(' / ')} msg/s`,
      );
      rows.push(row);
    }
    console.log('');
    printTable(rows);
    printTargets(rows);
  } finally {
    killAll();
    if (process.env.BENCH_KEEP_LOGS === '1') {
      console.log(`logs: ${logDir}`);
    } else {
      fs.rmSync(logDir, { recursive: true, force: true });
    }
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
