import {
  ConsentLedger,
  DeadLetterStore,
  RecordBatch,
  RecordStore,
  openServiceQueues,
  staticAppDirectory,
  type AppCredentials,
  type AppDirectory,
  type AppRegistryStore,
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
import { AppAdmin } from './domain/app-admin';
import { AuthThrottle } from './domain/auth-throttle';
import { DeadLetterCursors, cursorKeyFrom } from './domain/dead-letter-cursor';
import { DeadLetterService } from './domain/dead-letter-service';
import { EventReceiver } from './domain/event-receiver';
import { MessageAdmission, type ConsentPolicy } from './domain/message-admission';
import { IdempotencyGuard } from './domain/idempotency';
import { MessageService } from './domain/message-service';
import { RequestQuota } from './domain/request-quota';
import { RedisIdempotencyStore } from './infra/idempotency-store';
import { redisAuthFailures } from './infra/redis-auth-failures';
import { redisQuotaLease } from './infra/redis-quota-lease';
import { RedisEventInbox } from './infra/redis-event-inbox';
import { RedisPushTuples } from './infra/redis-push-tuples';
import { RedisMessageQueue } from './infra/redis-message-queue';
import { createApiMetrics } from './metrics';

/** What {@link buildApiDeps} needs: a connected producer connection and the settings. */
export interface BuildApiDepsOptions {
  /** The fail-fast producer connection (`createRedis(url, 'producer')`), already connected. */
  redis: RedisClient;
  keyspace: Keyspace;
  logger: Logger;
  /** The apps of `WECHAT_APPS` (without the registry). */
  appIds: readonly string[];
  /**
   * The app registry (`APP_SECRETS_KEY`): its watched directory replaces `appIds`,
   * `eventTokens` and the exempt list, and its store serves `/v1/admin/apps`.
   * @defaultValue none: the apps of `appIds`, and the operator routes answer 503
   */
  registry?: { directory: AppDirectory & AppCredentials; store: AppRegistryStore };
  apiKeys: readonly ApiKeyEntry[];
  adminCallers?: readonly string[];
  rateLimitPerMin?: number;
  admin?: { user: string; password: string };
  recordTtlSeconds?: number;
  /** `SEND_AT_MAX_DAYS`. @defaultValue 30 */
  sendAtMaxDays?: number;
  trustProxyHops?: number;
  /** Wrong credentials per client address and window answered 401 before 429s; 0 = off. @defaultValue 20 */
  authFailureLimit?: number;
  /** @defaultValue 60 */
  authFailureWindowSeconds?: number;
  /** `METRICS_TOKEN`. @defaultValue none (`/metrics` open) */
  metricsToken?: string;
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
  consent?: { mode?: ConsentPolicy['mode']; exemptApps?: readonly string[] };
  /** Callers with a callback secret. @defaultValue none */
  callbackCallers?: readonly string[];
  /** `CALLBACK_ALLOWLIST`. @defaultValue none */
  callbackAllowlist?: readonly string[];
  /** Ports an allow-list entry opens only by naming them. @defaultValue none */
  callbackProtectedPorts?: readonly number[];
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
  const apps = options.registry?.directory ?? staticDirectoryOf(options);
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
    credentials: apps,
    inbox: eventInbox,
    tuples: new RedisPushTuples(redis, keyspace),
    logger,
    maxAgeSeconds: options.eventMaxAgeSeconds,
  });
  const consents = new ConsentLedger({ redis, keyspace });
  const exemptApps = new Set(options.consent?.exemptApps ?? []);
  const admission = new MessageAdmission({
    consents,
    records,
    policy: {
      mode: options.consent?.mode ?? 'auto',
      isExempt: (appId) => exemptApps.has(appId) || apps.get(appId)?.consentExempt === true,
      isEventApp: (appId) => events.receivesPushes(appId),
    },
    callbackCallers: options.callbackCallers ?? [],
    ssrf: new SsrfGuard(options.callbackAllowlist ?? [], undefined, options.callbackProtectedPorts),
    logger,
  });
  const messages = new MessageService({
    records,
    queue: new RedisMessageQueue(new RecordBatch(storeOptions), queues.send),
    idempotency: new IdempotencyGuard({
      store: new RedisIdempotencyStore({ redis, keyspace }),
      waitMs: options.idempotencyWaitMs,
    }),
    apps,
    logger,
    onAccepted: (types, caller) => metrics.countAccepted(types, caller),
    admission,
    sendAtMaxDays: options.sendAtMaxDays,
  });
  const deps: ApiDeps = {
    logger,
    redis,
    messages,
    deadLetters: new DeadLetterService(
      deadLetterStore,
      records,
      new DeadLetterCursors(cursorKeyFrom(options.apiKeys)),
      logger,
    ),
    events,
    consents,
    admission,
    appAdmin: new AppAdmin(options.registry?.store, logger),
    queues: queues.all(),
    metrics,
    quota: requestQuota(options),
    apiKeys: options.apiKeys,
    adminCallers: options.adminCallers,
    admin: options.admin,
    trustProxyHops: options.trustProxyHops,
    authThrottle: authThrottle(options),
    metricsToken: options.metricsToken,
    isShuttingDown: options.isShuttingDown,
  };
  return {
    deps,
    close: () => queues.close(),
  };
}

/** The apps of `appIds` with their event tokens and consent exemptions from the environment. */
function staticDirectoryOf(options: BuildApiDepsOptions): AppDirectory & AppCredentials {
  const tokens = new Map((options.eventTokens ?? []).map((entry) => [entry.appId, entry]));
  const exempt = new Set(options.consent?.exemptApps ?? []);
  return staticAppDirectory(
    options.appIds.map((appId) => ({
      appId,
      appSecret: '',
      eventToken: tokens.get(appId)?.token,
      encodingAESKey: tokens.get(appId)?.encodingAESKey,
      consentExempt: exempt.has(appId),
    })),
  );
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

/** The failed-authentication throttle, counted in Redis; none when the limit is 0. */
function authThrottle(options: BuildApiDepsOptions): AuthThrottle | undefined {
  const limit = options.authFailureLimit ?? 20;
  if (limit <= 0) {
    return undefined;
  }
  const { redis, keyspace, logger } = options;
  const windowMs = (options.authFailureWindowSeconds ?? 60) * 1000;
  return new AuthThrottle({
    limit,
    countFailure: redisAuthFailures({ redis, keyspace, windowMs }),
    logger,
  });
}
