'use strict';
/**
 * The Redis of a benchmark run: a private `redis-server` (AOF and snapshots off) on a free port
 * in a temp dir when BENCH_REDIS=private, else REDIS_URL (default 127.0.0.1:6379) with keys
 * under unique prefixes that are deleted afterwards. Also reads INFO commandstats and CPU, so
 * Redis work per message can be counted.
 */

const fs = require('node:fs');
const { Redis } = require('ioredis');
const { startChild, sleep } = require('./processes');
const { freePort } = require('./net');

/** Starts redis-server on a free port; resolves with `{ url, stop }`. */
async function startPrivateRedis(logDir) {
  const port = await freePort();
  const server = startChild(
    'redis',
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      logDir,
      '--maxmemory-policy',
      'noeviction',
    ],
    { env: process.env, logDir },
  );
  await server.waitForLine('Ready to accept connections', 10000);
  return { url: `redis://127.0.0.1:${port}`, private: true, stop: () => server.stop() };
}

/** A private redis-server in `dir` (created) with a connected client: `{ url, client, stop }`. */
async function startPrivateRedisClient(dir) {
  fs.mkdirSync(dir, { recursive: true });
  const target = await startPrivateRedis(dir);
  const client = new Redis(target.url, { maxRetriesPerRequest: 2, lazyConnect: true });
  await client.connect();
  return { ...target, client };
}

/** The Redis to use, per BENCH_REDIS. */
async function openRedis(logDir) {
  const target =
    process.env.BENCH_REDIS === 'private'
      ? await startPrivateRedis(logDir)
      : {
          url: process.env.REDIS_URL || 'redis://127.0.0.1:6379',
          private: false,
          stop: async () => undefined,
        };
  const client = new Redis(target.url, { maxRetriesPerRequest: 2, lazyConnect: true });
  await client.connect();
  const info = await client.info('server');
  target.version = /redis_version:([^\r\n]+)/.exec(info)?.[1];
  target.client = client;
  return target;
}

/** Calls per command from INFO commandstats, and Redis CPU seconds (user + sys). */
async function redisCounters(client) {
  const [stats, cpu] = await Promise.all([client.info('commandstats'), client.info('cpu')]);
  const calls = {};
  for (const match of stats.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
    calls[match[1]] = Number(match[2]);
  }
  const num = (name) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(cpu)?.[1] ?? 0);
  return { calls, cpuS: num('used_cpu_user') + num('used_cpu_sys') };
}

/** Commands that are the benchmark's own bookkeeping, never counted. */
const OWN = new Set(['info', 'scan', 'unlink', 'client', 'ping', 'hello', 'select']);

/**
 * What Redis did between two {@link redisCounters} readings, per message: every command
 * (including those run inside Lua scripts), the round-trip commands among them (scripts,
 * MULTI/EXEC), and CPU microseconds.
 */
function perMessage(before, after, messages) {
  const delta = {};
  for (const [name, calls] of Object.entries(after.calls)) {
    const d = calls - (before.calls[name] ?? 0);
    if (d > 0 && !OWN.has(name)) {
      delta[name] = d;
    }
  }
  const total = Object.values(delta).reduce((a, b) => a + b, 0);
  const scripts = (delta.evalsha ?? 0) + (delta.eval ?? 0) + (delta.fcall ?? 0);
  const top = Object.entries(delta)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 8)
    .map(([name, d]) => `${name} ${(d / messages).toFixed(2)}`)
    .join(', ');
  const perCommand = Object.fromEntries(
    Object.entries(delta).map(([name, d]) => [name, Number((d / messages).toFixed(3))]),
  );
  return {
    commands: total / messages,
    scripts: scripts / messages,
    cpuUs: ((after.cpuS - before.cpuS) * 1e6) / messages,
    top,
    perCommand,
  };
}

/** Deletes every key under `{prefix}` (SCAN + UNLINK); returns how many. */
async function deletePrefix(client, prefix) {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `{${prefix}}*`, 'COUNT', 5000);
    cursor = next;
    if (keys.length > 0) {
      deleted += await client.unlink(...keys);
    }
  } while (cursor !== '0');
  // UNLINK frees in the background; give Redis a moment so the next run starts level.
  await sleep(deleted > 10000 ? 500 : 50);
  return deleted;
}

/** The median of several {@link perMessage} results (the busiest commands of the last run). */
function medianPerMessage(list) {
  const mid = (key) => {
    const sorted = list.map((r) => r[key]).sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)];
  };
  return {
    commands: mid('commands'),
    scripts: mid('scripts'),
    cpuUs: mid('cpuUs'),
    top: list.at(-1)?.top ?? '',
    perCommand: list.at(-1)?.perCommand ?? {},
  };
}

module.exports = {
  openRedis,
  startPrivateRedisClient,
  redisCounters,
  perMessage,
  medianPerMessage,
  deletePrefix,
};
