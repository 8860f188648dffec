'use strict';
/**
 * enqueue: POST /v1/messages under autocannon (50 connections, 20 s by default) against our API
 * and the bare express + queue.add() baseline, on the same Redis. Keys are deleted after each
 * run so every run starts from the same Redis size.
 */

const { alternate } = require('../lib/alternate');
const { cannon } = require('../lib/load');
const { deletePrefix, medianPerMessage, perMessage, redisCounters } = require('../lib/redis');
const { MESSAGE } = require('../lib/stack');
const { fmt, median } = require('../lib/stats');

async function enqueueOnce(ctx, api, seconds) {
  const before = await redisCounters(ctx.redis.client);
  const cpuBefore = api.proc.cpuMs();
  const result = await cannon({
    url: `${api.url}/v1/messages`,
    headers: api.headers,
    body: MESSAGE,
    connections: ctx.settings.connections,
    duration: seconds,
  });
  const cpuUs = ((api.proc.cpuMs() - cpuBefore) * 1000) / result.ok;
  const after = await redisCounters(ctx.redis.client);
  await deletePrefix(ctx.redis.client, api.prefix);
  return { ...result, cpuUs, redis: perMessage(before, after, result.ok) };
}

async function runEnqueue(ctx) {
  const { settings } = ctx;
  console.log(
    `enqueue: POST /v1/messages, ${settings.connections} connections, ${settings.enqueueSeconds} s per run`,
  );
  for (const api of Object.values(ctx.apis)) {
    await enqueueOnce(ctx, api, settings.warmupSeconds);
  }
  const results = await alternate({
    label: 'enqueue',
    rounds: settings.rounds,
    variants: ctx.apis,
    once: (api) => enqueueOnce(ctx, api, settings.enqueueSeconds),
    describe: (r) =>
      `${fmt(r.rps)} req/s  p50 ${r.p50} ms  p99 ${r.p99} ms  errors ${r.errors}  ` +
      `api CPU ${fmt(r.cpuUs)} µs/req  redis ${r.redis.commands.toFixed(1)} cmds/msg`,
  });
  const summary = (side) => ({
    rps: median(results[side].map((r) => r.rps)),
    p50: median(results[side].map((r) => r.p50)),
    p99: median(results[side].map((r) => r.p99)),
    cpuUs: median(results[side].map((r) => r.cpuUs)),
    errors: results[side].reduce((sum, r) => sum + r.errors, 0),
    redis: medianPerMessage(results[side].map((r) => r.redis)),
  });
  return { ours: summary('ours'), bare: summary('bare'), runs: results };
}

module.exports = { runEnqueue };
