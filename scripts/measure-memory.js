#!/usr/bin/env node
'use strict';
/**
 * Redis memory per queued message and per delivery record, for capacity planning
 * (docs/operations.md). Prints numbers; asserts nothing.
 *
 *   npx tsc -b && node scripts/measure-memory.js
 *
 * Environment:
 *   REDIS_URL        the Redis to measure on (default redis://127.0.0.1:6379). A Redis that
 *                    nobody else writes to gives clean INFO deltas; the per-key sums
 *                    (MEMORY USAGE) are exact either way.
 *   MEASURE_N        messages per phase (default 10000)
 *   MEASURE_CHUNK    messages per enqueue call, like one batch request (default 500)
 *
 * It writes under a unique QUEUE_PREFIX of its own and deletes every key under it at the end.
 *
 * Phases, each measured as `used_memory` delta from the empty baseline and as the sum of
 * `MEMORY USAGE` over the keys it wrote (grouped by kind):
 *   A. N messages queued exactly as the API stores them (apps/api: RecordBatch.createMissing,
 *      then Queue.addBulk with SEND_JOB_OPTIONS and jobId = message id), no worker running.
 *   B. the same N after a worker took them queued → sending → sent (the send processor's record
 *      transitions and history lines, and the msgid index entry where core has MsgIdIndex;
 *      WeChat not called); completed jobs still kept, as SEND_KEEP_COMPLETED_JOBS keeps them.
 *   C. the same after the completed jobs were removed: what stays for RECORD_TTL_DAYS.
 */

const { randomBytes } = require('node:crypto');
const { Queue, Worker } = require('bullmq');
const core = require('@wechat-dispatch/core');
const {
  JOB_NAMES,
  RecordBatch,
  RecordStore,
  SEND_JOB_OPTIONS,
  newMessageId,
  normalizeMessage,
  SEND_QUEUE,
} = core;
const {
  Keyspace,
  createRedis,
  connectRedis,
  closeRedis,
  newTraceId,
} = require('@wechat-dispatch/shared');

const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const N = Number(process.env.MEASURE_N || 10000);
const CHUNK = Number(process.env.MEASURE_CHUNK || 500);
const APP_ID = 'wx0123456789abcdef';
const RECORD_TTL_SECONDS = 7 * 24 * 3600;

/** The README's example message: a template message with two data fields, a URL and metadata. */
function typicalBody(i) {
  return {
    type: 'template',
    toUser: `oDemoUser${String(i).padStart(19, '0')}`,
    templateId: 'TPL_ORDER_SHIPPED_0123456789abcdefghijklmn',
    data: { thing1: { value: '订单已发货' }, time2: '2026-11-26 10:00' },
    url: `https://example.com/orders/${100000 + i}`,
    metadata: { orderId: String(100000 + i) },
  };
}

async function usedMemory(redis) {
  const info = await redis.info('memory');
  const line = info.split('\r\n').find((l) => l.startsWith('used_memory:'));
  return Number(line.split(':')[1]);
}

/** A steady used_memory: Redis frees lazily, so read until two reads agree. */
async function settledMemory(redis) {
  let last = await usedMemory(redis);
  for (let i = 0; i < 20; i++) {
    await new Promise((r) => setTimeout(r, 100));
    const now = await usedMemory(redis);
    if (now === last) {
      return now;
    }
    last = now;
  }
  return last;
}

async function keysUnder(redis, root) {
  const keys = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${root}*`, 'COUNT', 1000);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0');
  return keys;
}

/** Sum of MEMORY USAGE per kind of key, so the numbers say where the bytes are. */
async function memoryByKind(redis, keyspace, queueName) {
  const keys = await keysUnder(redis, keyspace.root);
  const queueRoot = `${keyspace.root}:${queueName}:`;
  const kindOf = (key) => {
    if (key.startsWith(`${keyspace.root}:msg:`)) {
      return 'record hash';
    }
    if (key.startsWith(`${keyspace.root}:app-index:`)) {
      return 'per-app index zset';
    }
    if (key.startsWith(`${keyspace.root}:msgid:`)) {
      return 'msgid index';
    }
    if (key.startsWith(queueRoot)) {
      const rest = key.slice(queueRoot.length);
      // Job hashes are named by job id = message id; everything else is a queue structure.
      return /^m[0-9a-z]{9}[0-9a-f]{16}$/.test(rest) ? 'bullmq job hash' : `bullmq ${rest}`;
    }
    return 'other';
  };
  const byKind = new Map();
  for (let i = 0; i < keys.length; i += 1000) {
    const slice = keys.slice(i, i + 1000);
    const pipeline = redis.pipeline();
    slice.forEach((key) => pipeline.memory('USAGE', key, 'SAMPLES', '0'));
    const replies = await pipeline.exec();
    slice.forEach((key, j) => {
      const bytes = Number(replies[j][1] || 0);
      const kind = kindOf(key);
      const entry = byKind.get(kind) || { keys: 0, bytes: 0 };
      entry.keys += 1;
      entry.bytes += bytes;
      byKind.set(kind, entry);
    });
  }
  return { keys: keys.length, byKind };
}

function printPhase(title, delta, usage, n) {
  const total = [...usage.byKind.values()].reduce((sum, e) => sum + e.bytes, 0);
  console.log(`\n${title}`);
  console.log(
    `  used_memory delta:        ${delta} bytes = ${(delta / n).toFixed(0)} bytes per message`,
  );
  console.log(
    `  sum of MEMORY USAGE:      ${total} bytes = ${(total / n).toFixed(0)} bytes per message (${usage.keys} keys)`,
  );
  const rows = [...usage.byKind.entries()].sort((a, b) => b[1].bytes - a[1].bytes);
  for (const [kind, e] of rows) {
    console.log(
      `    ${kind.padEnd(22)} ${String(e.keys).padStart(7)} keys ${String(e.bytes).padStart(11)} bytes  ${(e.bytes / n).toFixed(1).padStart(7)} per message`,
    );
  }
}

async function main() {
  const prefix = `wxdmem${randomBytes(4).toString('hex')}`;
  const keyspace = new Keyspace(prefix);
  const redis = createRedis(REDIS_URL, 'client', 'wxd-measure-memory');
  await connectRedis(redis);
  const workerRedis = createRedis(REDIS_URL, 'consumer', 'wxd-measure-memory-worker');
  await connectRedis(workerRedis);
  const [, policy] = await redis.config('GET', 'maxmemory-policy');
  const server = await redis.info('server');
  const version = /redis_version:(\S+)/.exec(server)[1];
  console.log(
    `Redis ${version} at ${REDIS_URL}, maxmemory-policy ${policy}, prefix {${prefix}}, N=${N}, chunk ${CHUNK}`,
  );

  const queueName = SEND_QUEUE;
  const queue = new Queue(queueName, {
    connection: redis,
    prefix: keyspace.root,
    defaultJobOptions: SEND_JOB_OPTIONS,
  });
  queue.on('error', () => undefined);
  const batch = new RecordBatch({ redis, keyspace, ttlSeconds: RECORD_TTL_SECONDS });
  const records = new RecordStore({ redis, keyspace, ttlSeconds: RECORD_TTL_SECONDS });
  // Since #7 the worker indexes WeChat's msgid → message id when a message is sent.
  const msgIds = core.MsgIdIndex
    ? new core.MsgIdIndex({ redis, keyspace, indexTtlSeconds: RECORD_TTL_SECONDS })
    : undefined;
  let worker;
  try {
    // Creating the queue's meta keys and loading the scripts is a fixed cost: not per message.
    await queue.waitUntilReady();
    const baseline = await settledMemory(redis);

    // A: queued, as the API stores them.
    const sample = typicalBody(0);
    console.log(`message JSON as posted: ${Buffer.byteLength(JSON.stringify(sample))} bytes`);
    const started = Date.now();
    let firstId;
    for (let from = 0; from < N; from += CHUNK) {
      const now = new Date();
      const items = [];
      for (let i = from; i < Math.min(N, from + CHUNK); i++) {
        const message = normalizeMessage(typicalBody(i), APP_ID);
        items.push({
          delayMs: 0,
          message,
          record: {
            id: newMessageId(now.getTime()),
            type: message.type,
            appId: message.appId,
            toUser: message.toUser,
            templateId: message.templateId,
            status: 'queued',
            attempts: 0,
            createdAt: now.toISOString(),
            updatedAt: now.toISOString(),
            caller: 'orders',
            metadata: message.metadata,
            traceId: newTraceId(),
          },
        });
      }
      firstId = firstId || items[0].record.id;
      const priorities = await batch.createMissing(items);
      await queue.addBulk(
        items.map(({ record, delayMs }, i) => ({
          name: JOB_NAMES.sendMessage,
          data: { messageId: record.id, appId: record.appId, traceId: record.traceId },
          opts: { jobId: record.id, delay: delayMs, priority: priorities[i] },
        })),
      );
    }
    const enqueueMs = Date.now() - started;
    const queued = await settledMemory(redis);
    printPhase(
      `A. ${N} queued messages (record + job), stored in ${enqueueMs} ms`,
      queued - baseline,
      await memoryByKind(redis, keyspace, queueName),
      N,
    );
    const [listpackValue] = (await redis.config('GET', 'hash-max-listpack-value')).slice(1);
    console.log(
      `  encodings: record hash ${await redis.object('ENCODING', records.recordKey(firstId))}, ` +
        `job hash ${await redis.object('ENCODING', `${keyspace.root}:${queueName}:${firstId}`)} ` +
        `(hash-max-listpack-value ${listpackValue})`,
    );

    // B: a worker takes each one queued → sending → sent, like the send processor (no WeChat).
    let done = 0;
    let wechatMsgId = 3487542469355618313n;
    const finished = new Promise((resolve, reject) => {
      worker = new Worker(
        queueName,
        async (job) => {
          const { messageId } = job.data;
          // Taken before any await: concurrent jobs must not share one msgid.
          wechatMsgId += 1n;
          const msgId = String(wechatMsgId);
          const stored = await records.load(messageId);
          const attempt = stored.record.attempts + 1;
          await records.transition(messageId, {
            from: ['queued', 'scheduled', 'retrying', 'sending'],
            to: 'sending',
            event: { event: 'sending', attempt },
          });
          await records.transition(messageId, {
            appId: APP_ID,
            from: ['sending'],
            to: 'sent',
            set: { wechatMsgId: msgId, sentAt: new Date().toISOString() },
            unset: ['nextAttemptAt'],
            incrementAttempts: true,
            event: {
              event: 'sent',
              attempt,
              wechatMsgId: msgId,
              tokenRefreshed: false,
            },
          });
          if (msgIds) {
            await msgIds.indexSent(APP_ID, msgId, messageId);
          }
          return { outcome: 'sent' };
        },
        { connection: workerRedis, prefix: keyspace.root, concurrency: 50 },
      );
      worker.on('error', reject);
      worker.on('completed', () => {
        done += 1;
        if (done === N) {
          resolve();
        }
      });
      worker.on('failed', (job, err) => reject(err));
    });
    await finished;
    await worker.close();
    worker = undefined;
    const counts = await queue.getJobCounts('completed', 'wait', 'active', 'failed');
    const sent = await settledMemory(redis);
    printPhase(
      `B. ${N} sent records${msgIds ? ' (with msgid index)' : ''} + ${counts.completed} completed jobs kept (as SEND_KEEP_COMPLETED_JOBS keeps them)`,
      sent - baseline,
      await memoryByKind(redis, keyspace, queueName),
      N,
    );

    // C: completed jobs gone (age 3600 s or count 10000 reached): records alone.
    await queue.clean(0, N + 1, 'completed');
    const recordsOnly = await settledMemory(redis);
    const usage = await memoryByKind(redis, keyspace, queueName);
    printPhase(
      `C. ${N} sent records after their jobs were removed`,
      recordsOnly - baseline,
      usage,
      N,
    );
    const { history } = await records.get(firstId);
    console.log(
      `  history lines of one record: ${history.length} (${history.map((h) => h.event).join(' → ')})`,
    );

    console.log('\nSummary (bytes of Redis memory):');
    console.log(
      `  per queued message (record + job):   ${((queued - baseline) / N).toFixed(0)} (INFO delta)`,
    );
    console.log(
      `  per sent record (7-day TTL):          ${((recordsOnly - baseline) / N).toFixed(0)} (INFO delta)`,
    );
    console.log(
      `  per completed job still kept:         ${((sent - recordsOnly) / Math.max(1, counts.completed)).toFixed(0)} (INFO delta B − C)`,
    );
  } finally {
    if (worker) {
      await worker.close(true).catch(() => undefined);
    }
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close().catch(() => undefined);
    const left = await keysUnder(redis, keyspace.root);
    for (let i = 0; i < left.length; i += 500) {
      await redis.unlink(...left.slice(i, i + 500));
    }
    const after = await keysUnder(redis, keyspace.root);
    console.log(`\ncleanup: removed ${left.length} keys under {${prefix}}, ${after.length} left`);
    await closeRedis(workerRedis);
    await closeRedis(redis);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
