'use strict';

/** A positive number from the environment, or `fallback`. */
function num(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') {
    return fallback;
  }
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    throw new Error(`${name} must be a positive number, got "${raw}"`);
  }
  return value;
}

/**
 * The benchmark's knobs. Defaults are the ones of issue #8 and keep a whole run under ten
 * minutes; each can be changed through the environment. Drain gets five rounds rather than
 * three: it is the noisiest phase (one run is a few seconds long) and its rounds are cheap.
 */
function loadSettings() {
  return Object.freeze({
    rounds: num('BENCH_ROUNDS', 3),
    drainRounds: num('BENCH_DRAIN_ROUNDS', num('BENCH_ROUNDS', 5)),
    connections: num('BENCH_CONNECTIONS', 50),
    enqueueSeconds: num('BENCH_ENQUEUE_SECONDS', 20),
    warmupSeconds: num('BENCH_WARMUP_SECONDS', 3),
    batchSize: num('BENCH_BATCH_SIZE', 100),
    batchConnections: num('BENCH_BATCH_CONNECTIONS', 10),
    batchSeconds: num('BENCH_BATCH_SECONDS', 5),
    drainMessages: num('BENCH_DRAIN_MESSAGES', 10000),
    drainWarmupMessages: num('BENCH_DRAIN_WARMUP_MESSAGES', 2000),
    drainConcurrency: num('BENCH_DRAIN_CONCURRENCY', 100),
    drainLatencyMs: num('BENCH_DRAIN_LATENCY_MS', 20),
    callerSeconds: num('BENCH_CALLER_SECONDS', 8),
    callerLatencyMs: num('BENCH_CALLER_LATENCY_MS', 50),
  });
}

module.exports = { loadSettings };
