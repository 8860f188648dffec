import {
  ConsentLedger,
  DeadLetterStore,
  RecordBatch,
  RecordStore,
  openServiceQueues,
} from '@wechat-dispatch/core';
import {
  SsrfGuard,
  type ApiKeyEntry,
  type EventTokenEntry,
  type Keyspace,
  type Logger,
  type RedisClient,
} from '@wechat-dispatch/shared';
import type { ApiDeps } from './app';
import { DeadLetterService } from './domain/dead-letter-service';
import { EventReceiver } from './domain/event-receiver';
import { MessageAdmission, type ConsentPolicy } from './domain/message-admission';
import { IdempotencyGuard } from './domain/idempotency';
import { MessageService } from './domain/message-service';
import { RequestQuota } from './domain/request-quota';
import { RedisIdempotencyStore } from './infra/idempotency-store';
import { redisQuotaLease } from './infra/redis-quota-lease';
import { RedisEventInbox } from './infra/redis-event-inbox';
import { RedisMessageQueue } from './infra/redis-message-queue';
import { createApiMetrics } from './metrics';

/** What {@link buildApiDeps} needs: a connected producer connection and the settings. */
export interface BuildApiDepsOptions {
  /** The fail-fast producer connection (`createRedis(url, 'producer')`), already connected. */
  redis: RedisClient;
  keyspace: Keyspace;
  logger: Logger;
  appIds: readonly string[];
  apiKeys: readonly ApiKeyEntry[];
  adminCallers?: readonly string[];
  rateLimitPerMin?: number;
  admin?: { user: string; password: string };
  recordTtlSeconds?: number;
  trustProxyHops?: number;
  isShuttingDown?: () => boolean;
  /** Export Node process metrics too. @defaultValue false */
  processMetrics?: boolean;
  /** How long an idempotent repeat waits for the first request. @defaultValue 10000 */
  idempotencyWaitMs?: number;
  /** Event push settings per app. @defaultValue none (the event URL answers 404) */
  eventTokens?: readonly EventTokenEntry[];
  /** @defaultValue 300 */
  eventMaxAgeSeconds?: number;
  /** @defaultValue `auto` (apps with an event token), no exempt apps */
  consent?: Partial<Omit<ConsentPolicy, 'eventApps'>>;
  /** Callers with a callback secret. @defaultValue none */
  callbackCallers?: readonly string[];
  /** `CALLBACK_ALLOWLIST`. @defaultValue none */
  callbackAllowlist?: readonly string[];
}

/** The API's dependencies and how to release them. */
export interface ApiRuntime {
  deps: ApiDeps;
  /** Closes the queues (the Redis connection is the caller's). */
  close(): Promise<void>;
}

/**
 * Builds the real dependencies of {@link createApp} over one Redis connection: queues, record
 * and dead-letter stores, idempotency, rate-limit store, services and metrics. main.ts and the
 * tests use the same wiring. Connects nothing itself.
 */
export function buildApiDeps(options: BuildApiDepsOptions): ApiRuntime {
  const { redis, keyspace, logger } = options;
  const storeOptions = { redis, keyspace, ttlSeconds: options.recordTtlSeconds };
  const records = new RecordStore(storeOptions);
  const queues = openServiceQueues({ connection: redis, keyspace, logger });
  const deadLetterStore = new DeadLetterStore({
    redis,
    keyspace,
    records,
    deadLetterQueue: queues.deadLetters,
    sendQueue: queues.send,
  });
  const metrics = createApiMetrics({
    sendQueue: queues.send,
    deadLetterQueue: queues.deadLetters,
    redis,
    keyspace,
    processMetrics: options.processMetrics,
  });
  const eventInbox = new RedisEventInbox(redis, keyspace, queues.wechatEvents);
  const events = new EventReceiver({
    tokens: options.eventTokens ?? [],
    inbox: eventInbox,
    logger,
    maxAgeSeconds: options.eventMaxAgeSeconds,
  });
  const consents = new ConsentLedger({ redis, keyspace });
  const admission = new MessageAdmission({
    consents,
    records,
    policy: {
      mode: options.consent?.mode ?? 'auto',
      exemptApps: options.consent?.exemptApps ?? [],
      eventApps: events.appIds(),
    },
    callbackCallers: options.callbackCallers ?? [],
    ssrf: new SsrfGuard(options.callbackAllowlist ?? []),
    logger,
  });
  const messages = new MessageService({
    records,
    queue: new RedisMessageQueue(new RecordBatch(storeOptions), queues.send),
    idempotency: new IdempotencyGuard({
      store: new RedisIdempotencyStore({ redis, keyspace }),
      waitMs: options.idempotencyWaitMs,
    }),
    appIds: options.appIds,
    logger,
    onAccepted: (types, caller) => metrics.countAccepted(types, caller),
    admission,
  });
  const deps: ApiDeps = {
    logger,
    redis,
    messages,
    deadLetters: new DeadLetterService(deadLetterStore, records, logger),
    events,
    consents,
    admission,
    queues: queues.all(),
    metrics,
    quota: requestQuota(options),
    apiKeys: options.apiKeys,
    adminCallers: options.adminCallers,
    admin: options.admin,
    trustProxyHops: options.trustProxyHops,
    isShuttingDown: options.isShuttingDown,
  };
  return {
    deps,
    close: () => queues.close(),
  };
}

/** The per-caller limit, leased from Redis; none when `rateLimitPerMin` is 0 or unset. */
function requestQuota(options: BuildApiDepsOptions): RequestQuota | undefined {
  const perMinute = options.rateLimitPerMin ?? 0;
  if (perMinute <= 0) {
    return undefined;
  }
  const { redis, keyspace } = options;
  return new RequestQuota({ perMinute, lease: redisQuotaLease({ redis, keyspace, perMinute }) });
}
