import { z } from 'zod';
import {
  checkAppSource,
  intEnv,
  metricsTokenEnv,
  parseEnvParts,
  portEnv,
  redisTopologyEnv,
  serviceConfigOf,
  serviceEnvShape,
  urlEnv,
  type CallbackSecretEntry,
  type ServiceConfig,
} from '@wechat-dispatch/shared';

const envSchema = z
  .object({
    ...serviceEnvShape,
    WECHAT_API_BASE: urlEnv('https://api.weixin.qq.com'),
    WECHAT_TOKEN_MODE: z.enum(['stable', 'classic']).default('stable'),
    WORKER_CONCURRENCY: intEnv(50, 1, 10000),
    SEND_MAX_ATTEMPTS: intEnv(8, 1, 100),
    SEND_BACKOFF_MS: intEnv(1000, 1, 3600000),
    SEND_BACKOFF_MAX_MS: intEnv(300000, 1, 86400000),
    WECHAT_TIMEOUT_MS: intEnv(5000, 100, 120000),
    WECHAT_RATE_LIMIT_PER_SEC: intEnv(0, 0, 100000),
    WORKER_HTTP_PORT: portEnv(9100),
    METRICS_TOKEN: metricsTokenEnv,
    SHUTDOWN_TIMEOUT_MS: intEnv(25000, 1000, 600000),
    WORKER_LOCK_DURATION_MS: intEnv(0, 0, 3600000),
    WORKER_STALLED_INTERVAL_MS: intEnv(30000, 100, 3600000),
    SEND_KEEP_COMPLETED_JOBS: intEnv(100, 0, 1000000),
    WECHAT_EVENT_PARK_TTL_S: intEnv(86400, 1, 30 * 86400),
    CALLBACK_MAX_ATTEMPTS: intEnv(8, 1, 100),
    CALLBACK_BACKOFF_MS: intEnv(1000, 1, 3600000),
    CALLBACK_TIMEOUT_MS: intEnv(5000, 100, 60000),
    CALLBACK_CONCURRENCY: intEnv(20, 1, 1000),
    CALLBACK_CALLER_CONCURRENCY: intEnv(0, 0, 1000),
    METRICS_APP_LABELS: intEnv(100, 0, 10000),
    DEAD_LETTER_SWEEP_S: intEnv(300, 0, 86400),
    BREAKER_FAILURES: intEnv(5, 0, 10000),
    BREAKER_PROBE_MIN_MS: intEnv(1000, 10, 3600000),
    BREAKER_PROBE_MAX_MS: intEnv(60000, 10, 3600000),
  })
  .superRefine(checkAppSource);

/** The worker's configuration, parsed once from the environment. */
export interface WorkerConfig extends ServiceConfig {
  wechatApiBase: string;
  tokenMode: 'stable' | 'classic';
  concurrency: number;
  maxAttempts: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  wechatTimeoutMs: number;
  rateLimitPerSec: number;
  httpPort: number;
  /** Bearer token `/metrics` of the ops server wants; none = open. */
  metricsToken?: string;
  shutdownTimeoutMs: number;
  /** Lock on an active job; 0 = derived from the WeChat timeout. */
  lockDurationMs: number;
  stalledIntervalMs: number;
  /** The last completed send jobs kept for the dashboard (default 100); 0 = removed at completion. */
  keepCompletedJobs: number;
  /** Apps whose metrics carry their own `app_id` label; later ones are labelled `other`. */
  metricsAppLabels: number;
  /** Per-app circuit breaker: failures (distinct messages) that open it, 0 = off; probe waits. */
  breaker: { failures: number; probeMinMs: number; probeMaxMs: number };
  /** How long a delivery event for an unknown msgid waits for its record. */
  eventParkTtlSeconds: number;
  /** Seconds between dead-letter sweeps (refile, trim the dead-letter queues); 0 = none. */
  deadLetterSweepSeconds: number;
  callbacks: {
    secrets: CallbackSecretEntry[];
    allowlist: string[];
    /** Ports an allow-list entry opens only by naming them (this process's own included). */
    protectedPorts: number[];
    maxAttempts: number;
    backoffMs: number;
    timeoutMs: number;
    concurrency: number;
    /** Most of `concurrency` one caller's callbacks may hold at once. */
    perCaller: number;
  };
}

/** What the composition root reads from the configuration (the rest is main.ts'). */
export type WorkerSettings = Omit<
  WorkerConfig,
  'redis' | 'logLevel' | 'httpPort' | 'metricsToken' | 'shutdownTimeoutMs'
>;

/**
 * Reads the worker's environment (CONTRACT §2).
 * @throws ConfigError naming every bad variable
 */
export function loadWorkerConfig(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  const { worker: e, redis } = parseEnvParts({ worker: envSchema, redis: redisTopologyEnv }, env);
  return Object.freeze({
    ...serviceConfigOf(e, redis),
    wechatApiBase: e.WECHAT_API_BASE,
    tokenMode: e.WECHAT_TOKEN_MODE,
    concurrency: e.WORKER_CONCURRENCY,
    maxAttempts: e.SEND_MAX_ATTEMPTS,
    backoffBaseMs: e.SEND_BACKOFF_MS,
    backoffMaxMs: e.SEND_BACKOFF_MAX_MS,
    wechatTimeoutMs: e.WECHAT_TIMEOUT_MS,
    rateLimitPerSec: e.WECHAT_RATE_LIMIT_PER_SEC,
    httpPort: e.WORKER_HTTP_PORT,
    metricsToken: e.METRICS_TOKEN,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    // One send can take a token fetch and two WeChat calls; the lock must outlive all three.
    lockDurationMs: e.WORKER_LOCK_DURATION_MS || Math.max(30000, 6 * e.WECHAT_TIMEOUT_MS),
    stalledIntervalMs: e.WORKER_STALLED_INTERVAL_MS,
    keepCompletedJobs: e.SEND_KEEP_COMPLETED_JOBS,
    metricsAppLabels: e.METRICS_APP_LABELS,
    eventParkTtlSeconds: e.WECHAT_EVENT_PARK_TTL_S,
    deadLetterSweepSeconds: e.DEAD_LETTER_SWEEP_S,
    breaker: {
      failures: e.BREAKER_FAILURES,
      probeMinMs: e.BREAKER_PROBE_MIN_MS,
      probeMaxMs: Math.max(e.BREAKER_PROBE_MIN_MS, e.BREAKER_PROBE_MAX_MS),
    },
    callbacks: {
      secrets: e.CALLBACK_SECRETS,
      allowlist: e.CALLBACK_ALLOWLIST,
      protectedPorts: [e.WORKER_HTTP_PORT, ...e.CALLBACK_PROTECTED_PORTS],
      maxAttempts: e.CALLBACK_MAX_ATTEMPTS,
      backoffMs: e.CALLBACK_BACKOFF_MS,
      timeoutMs: e.CALLBACK_TIMEOUT_MS,
      concurrency: e.CALLBACK_CONCURRENCY,
      // Unset: half the slots, so a caller's slow receiver leaves the rest to the others.
      perCaller:
        e.CALLBACK_CALLER_CONCURRENCY || Math.max(1, Math.floor(e.CALLBACK_CONCURRENCY / 2)),
    },
  });
}
