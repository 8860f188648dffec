import { Counter, Histogram, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { Queue } from 'bullmq';
import type { SendHooks } from './processors/send-outcome';
import {
  dropMisnamedDefaults,
  withTimeout,
  type Keyspace,
  type RedisClient,
} from '@wechat-dispatch/shared';
import { SEND_QUEUE, changesWaiting, isSendQueueName } from '@wechat-dispatch/core';
import { boundedAppLabels } from './domain/app-labels';

/** How long a scrape waits for Redis to report queue depths. */
const QUEUE_DEPTH_TIMEOUT_MS = 2000;

/** The worker's Prometheus metrics. */
export interface WorkerMetrics {
  registry: Registry;
  sendHooks: SendHooks;
  onTokenFetch: (appId: string, outcome: string) => void;
  onPause: (appId: string, reason: string, ms: number) => void;
}

/** Where the archive's change streams are (one per shard), when the record scripts append (#20). */
export interface ChangeStreamSource {
  redis: RedisClient;
  keyspaces: readonly Keyspace[];
}

/**
 * Builds the worker's metrics: sends by app, result and errcode; send latency; waits (quota
 * pauses, token-config waits, open breakers); token fetches; the depths of `queues` and the
 * state of the apps' circuit breakers (`openBreakers`), read from Redis at scrape time; with
 * `changes`, the record changes waiting for the archive. The `app_id` label is bounded to
 * `appLabels` apps (see {@link boundedAppLabels}).
 */
export function createWorkerMetrics(
  queues: readonly Queue[],
  appLabels: number,
  openBreakers: () => Promise<string[]> = () => Promise.resolve([]),
  changes?: ChangeStreamSource,
): WorkerMetrics {
  const registry = new Registry();
  const label = boundedAppLabels(appLabels);
  collectDefaultMetrics({ register: registry, prefix: 'wxd_worker_' });
  dropMisnamedDefaults(registry, 'wxd_worker_');
  const sends = new Counter({
    name: 'wxd_sends_total',
    help: 'Send attempts by app, outcome and WeChat errcode',
    labelNames: ['app_id', 'outcome', 'errcode'],
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'wxd_send_duration_seconds',
    help: 'Duration of one send (WeChat calls, incl. a token refresh-retry)',
    labelNames: ['app_id'],
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const waits = new Counter({
    name: 'wxd_send_waits_total',
    help: 'Messages held back without spending an attempt (quota pauses, token config errors)',
    labelNames: ['app_id', 'reason'],
    registers: [registry],
  });
  const pauses = new Counter({
    name: 'wxd_app_pauses_total',
    help: 'Times an app was paused (quota reached, token endpoint misconfigured), by reason',
    labelNames: ['app_id', 'reason'],
    registers: [registry],
  });
  const tokenFetches = new Counter({
    name: 'wxd_token_fetches_total',
    help: 'access_token fetches from WeChat by app and outcome',
    labelNames: ['app_id', 'outcome'],
    registers: [registry],
  });
  new Gauge({
    name: 'wxd_queue_jobs',
    help: 'Jobs per queue and state',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      this.reset();
      // A worker's connection waits out a Redis outage; a scrape must not, or every worker
      // would look down to Prometheus while Redis is. Depths are simply absent then.
      const depths = await withTimeout(
        Promise.all(
          queues.map(
            async (q) =>
              [
                q.name,
                await q.getJobCounts(
                  'waiting',
                  'prioritized',
                  'delayed',
                  'active',
                  'failed',
                  'completed',
                ),
              ] as const,
          ),
        ),
        QUEUE_DEPTH_TIMEOUT_MS,
      ).catch(() => undefined);
      for (const [name, counts] of depths ?? []) {
        for (const [state, count] of Object.entries(counts)) {
          // Every shard's send queue adds to the one `queue="send"` series.
          this.inc({ queue: isSendQueueName(name) ? SEND_QUEUE : name, state }, count);
        }
      }
    },
  });
  if (changes) {
    new Gauge({
      name: 'wxd_archive_changes_waiting',
      help: 'Record changes waiting in Redis for the archiver to write them to the archive',
      registers: [registry],
      async collect() {
        this.reset();
        const waiting = await withTimeout(
          changesWaiting(changes.redis, changes.keyspaces),
          QUEUE_DEPTH_TIMEOUT_MS,
        ).catch(() => undefined);
        if (waiting !== undefined) {
          this.set(waiting);
        }
      },
    });
  }

  const breakerApps = new Set<string>();
  new Gauge({
    name: 'wxd_breaker_open',
    help: "1 while an app's circuit breaker is open (WeChat failing for it), 0 once it closed",
    labelNames: ['app_id'],
    registers: [registry],
    async collect() {
      const open = await withTimeout(openBreakers(), QUEUE_DEPTH_TIMEOUT_MS).catch(() => undefined);
      if (open === undefined) {
        return;
      }
      this.reset();
      for (const appId of open) {
        breakerApps.add(label(appId));
      }
      const openLabels = new Set(open.map(label));
      for (const appLabel of breakerApps) {
        this.set({ app_id: appLabel }, openLabels.has(appLabel) ? 1 : 0);
      }
    },
  });

  return {
    registry,
    onTokenFetch: (appId, outcome) => tokenFetches.inc({ app_id: label(appId), outcome }),
    onPause: (appId, reason) => pauses.inc({ app_id: label(appId), reason }),
    sendHooks: {
      onOutcome(appId, outcome, errcode, durationMs) {
        sends.inc({
          app_id: label(appId),
          outcome,
          errcode: errcode === undefined ? '' : String(errcode),
        });
        if (durationMs !== undefined) {
          latency.observe({ app_id: label(appId) }, durationMs / 1000);
        }
      },
      onWait(appId, reason) {
        waits.inc({ app_id: label(appId), reason });
      },
    },
  };
}
