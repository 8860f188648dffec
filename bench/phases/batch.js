'use strict';
/**
 * batch: POST /v1/messages/batch (100 messages per request by default) under autocannon against
 * our API and the bare express + queue.addBulk() baseline → messages per second.
 */

const { alternate } = require('../lib/alternate');
const { cannon } = require('../lib/load');
const { deletePrefix, medianPerMessage, perMessage, redisCounters } = require('../lib/redis');
const { MESSAGE } = require('../lib/stack');
const { fmt, median } = require('../lib/stats');

async function batchOnce(ctx, api) {
  const { settings } = ctx;
  const before = await redisCounters(ctx.redis.client);
  const cpuBefore = api.proc.cpuMs();
  const result = await cannon({
    url: `${api.url}/v1/messages/batch`,
    headers: api.headers,
    body: { messages: Array.from({ length: settings.batchSize }, () => MESSAGE) },
    connections: settings.batchConnections,
    duration: settings.batchSeconds,
  });
  const messages = result.ok * settings.batchSize;
  const cpuUs = ((api.proc.cpuMs() - cpuBefore) * 1000) / messages;
  const after = await redisCounters(ctx.redis.client);
  await deletePrefix(ctx.redis.client, api.prefix);
  return {
    ...result,
    cpuUs,
    mps: result.rps * settings.batchSize,
    redis: perMessage(before, after, messages),
  };
}

async function runBatch(ctx) {
  const { settings } = ctx;
  console.log(
    `batch: POST /v1/messages/batch × ${settings.batchSize} messages, ` +
      `${settings.batchConnections} connections, ${settings.batchSeconds} s per run`,
  );
  const results = await alternate({
    label: 'batch',
    rounds: settings.rounds,
    variants: ctx.apis,
    once: (api) => batchOnce(ctx, api),
    describe: (r) =>
      `${fmt(r.mps)} msg/s  p99 ${r.p99} ms  errors ${r.errors}  api CPU ${fmt(r.cpuUs)} µs/msg  ` +
      `redis ${r.redis.commands.toFixed(1)} cmds/msg`,
  });
  const summary = (side) => ({
    mps: median(results[side].map((r) => r.mps)),
    p99: median(results[side].map((r) => r.p99)),
    cpuUs: median(results[side].map((r) => r.cpuUs)),
    errors: results[side].reduce((sum, r) => sum + r.errors, 0),
    redis: medianPerMessage(results[side].map((r) => r.redis)),
  });
  return { ours: summary('ours'), bare: summary('bare'), runs: results };
}

module.exports = { runBatch };
