import type { Queue } from 'bullmq';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import {
  changesWaiting,
  deadIndexKey,
  type MessageType,
  type SendJob,
} from '@wechat-dispatch/core';
import {
  dropMisnamedDefaults,
  withTimeout,
  type Keyspace,
  type RedisClient,
} from '@wechat-dispatch/shared';

/** The API's Prometheus metrics, served at `/metrics`. */
export interface ApiMetrics {
  registry: Registry;
  /** One finished HTTP request, by route template (never the raw URL: ids would explode it). */
  observeRequest(method: string, route: string, status: number, seconds: number): void;
  /** Messages accepted in one request. */
  countAccepted(types: readonly MessageType[], caller: string): void;
  /** One call of the central token proxy, by allow-list prefix and outcome. */
  countProxied(prefix: string, outcome: string): void;
}

/** Options of {@link createApiMetrics}. */
export interface ApiMetricsOptions {
  sendQueue: Queue<SendJob>;
  /**
   * The send queues of shards 1.. (`SEND_SHARDS`) with their keyspaces, added into the one
   * `queue="send"` series. @defaultValue none
   */
  otherShards?: ReadonlyArray<{ sendQueue: Queue<SendJob>; keyspace: Keyspace }>;
  deadLetterQueue: Queue;
  redis: RedisClient;
  keyspace: Keyspace;
  /** Export the record changes waiting for the archive (when the record scripts append them). */
  recordChanges?: boolean;
  /** Also export Node's process metrics (main.ts does; tests building many apps do not). */
  processMetrics?: boolean;
  /** Longest a scrape waits for Redis before leaving the queue gauges empty. @defaultValue 2000 */
  collectTimeoutMs?: number;
}

const DEPTH_STATES = ['waiting', 'prioritized', 'delayed', 'active', 'failed'] as const;

/**
 * Builds the API's metrics on a registry of its own: HTTP request durations by route template,
 * messages enqueued by type and caller, and queue depths (waiting, delayed, active, failed, and
 * the dead letters of the send queue) read from Redis at scrape time. No series is per app, so
 * their number does not grow with the apps.
 */
export function createApiMetrics(options: ApiMetricsOptions): ApiMetrics {
  const registry = new Registry();
  if (options.processMetrics) {
    collectDefaultMetrics({ register: registry, prefix: 'wxd_api_' });
    dropMisnamedDefaults(registry, 'wxd_api_');
  }
  const requests = new Histogram({
    name: 'wxd_http_request_duration_seconds',
    help: 'HTTP requests by method, route template and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const enqueued = new Counter({
    name: 'wxd_messages_enqueued_total',
    help: 'Messages accepted into the queues, by type and caller',
    labelNames: ['type', 'caller'],
    registers: [registry],
  });
  const proxied = new Counter({
    name: 'wxd_proxy_requests_total',
    help: 'Calls of the central token proxy, by allowed path prefix and outcome',
    labelNames: ['prefix', 'outcome'],
    registers: [registry],
  });
  const timeoutMs = options.collectTimeoutMs ?? 2000;
  new Gauge({
    name: 'wxd_queue_jobs',
    help: 'Jobs per queue and state; state "dead" counts the dead letters of the send queue',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      this.reset();
      const shards = [
        { sendQueue: options.sendQueue, keyspace: options.keyspace },
        ...(options.otherShards ?? []),
      ];
      const reads = [
        Promise.all(
          shards.map(({ sendQueue, keyspace }) =>
            Promise.all([
              sendQueue.getJobCounts(...DEPTH_STATES),
              options.redis.zcard(deadIndexKey(keyspace)),
            ]).then(([counts, dead]) => ({ ...counts, dead })),
          ),
        ).then((perShard) => ({
          queue: options.sendQueue.name,
          counts: sumCounts(perShard),
        })),
        options.deadLetterQueue.getJobCounts(...DEPTH_STATES).then((counts) => ({
          queue: options.deadLetterQueue.name,
          counts,
        })),
      ];
      // A scrape must answer even with Redis away; the gauges are then simply absent.
      const settled = await Promise.allSettled(reads.map((read) => withTimeout(read, timeoutMs)));
      for (const result of settled) {
        if (result.status === 'fulfilled') {
          for (const [state, count] of Object.entries(result.value.counts)) {
            this.set({ queue: result.value.queue, state }, count);
          }
        }
      }
    },
  });
  if (options.recordChanges) {
    new Gauge({
      name: 'wxd_archive_changes_waiting',
      help: 'Record changes waiting in Redis for the archiver to write them to the archive',
      registers: [registry],
      async collect() {
        this.reset();
        // One change stream per shard (#16): the total waits for the archivers.
        const keyspaces = [options.keyspace, ...(options.otherShards ?? []).map((s) => s.keyspace)];
        const waiting = await withTimeout(
          changesWaiting(options.redis, keyspaces),
          timeoutMs,
        ).catch(() => undefined);
        if (waiting !== undefined) {
          this.set(waiting);
        }
      },
    });
  }
  return {
    registry,
    observeRequest(method, route, status, seconds) {
      requests.observe({ method, route, status: String(status) }, seconds);
    },
    countProxied(prefix, outcome) {
      proxied.inc({ prefix, outcome });
    },
    countAccepted(types, caller) {
      for (const type of types) {
        enqueued.inc({ type, caller });
      }
    },
  };
}

/** The sum of each state's count over the shards. */
function sumCounts(perShard: ReadonlyArray<Record<string, number>>): Record<string, number> {
  const total: Record<string, number> = {};
  for (const counts of perShard) {
    for (const [state, count] of Object.entries(counts)) {
      total[state] = (total[state] ?? 0) + count;
    }
  }
  return total;
}
