import {
  AppPauseMarkers,
  ConsentLedger,
  DeadLetterStore,
  RecordBatch,
  RecordStore,
  openServiceQueues,
  openShardSendQueues,
  staticAppDirectory,
  type AppCredentials,
  type AppDirectory,
  type AppRegistryStore,
  type ArchiveSearch,
  type ComponentStore,
} from '@wechat-dispatch/core';
import {
  AccessTokenService,
  WeChatClient,
  componentTokenSource,
} from '@wechat-dispatch/wechat-client';
import { ComponentAdmin } from './domain/component-admin';
import { OpenPlatform } from './domain/open-platform';
import {
  SendShards,
  SsrfGuard,
  type WeChatAppCredentials,
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
import { DispatchTokens, defaultCompatCaller } from './domain/dispatch-tokens';
import { EventReceiver } from './domain/event-receiver';
import { MessageAdmission, type ConsentPolicy } from './domain/message-admission';
import { IdempotencyGuard } from './domain/idempotency';
import { MessageService } from './domain/message-service';
import { MessageHistory } from './domain/message-history';
import { RequestQuota } from './domain/request-quota';
import { WeChatProxy } from './domain/wechat-proxy';
import { CompatMsgIds } from './infra/compat-msgids';
import { createWeChatForwarder } from './infra/wechat-forwarder';
import { RedisIdempotencyStore } from './infra/idempotency-store';
import { redisAuthFailures } from './infra/redis-auth-failures';
import { redisQuotaLease } from './infra/redis-quota-lease';
import { RedisEventInbox } from './infra/redis-event-inbox';
import { RedisPushTuples } from './infra/redis-push-tuples';
import { RedisMessageQueue } from './infra/redis-message-queue';
import { shardedDeadLetters } from './infra/sharded-dead-letters';
import { ShardedMessageQueue, recordsById } from './infra/sharded-message-queue';
import { createApiMetrics } from './metrics';

/** What {@link buildApiDeps} needs: a connected producer connection and the settings. */
export interface BuildApiDepsOptions {
  /** The fail-fast producer connection (`createRedis(url, 'producer')`), already connected. */
  redis: RedisClient;
  /** Shard 0's keyspace (`{QUEUE_PREFIX}`): the global keys. */
  keyspace: Keyspace;
  /** `SEND_SHARDS`. @defaultValue 1 */
  sendShards?: number;
  logger: Logger;
  /** The apps of `WECHAT_APPS` (without the registry). */
  appIds: readonly string[];
  /**
   * `WECHAT_APPS`' secrets (without the registry), which `/cgi-bin/token` checks legacy callers
   * against. @defaultValue none: the token routes answer 40125 for every app
   */
  appSecrets?: readonly WeChatAppCredentials[];
  /** The central token proxy (`WECHAT_PROXY`). @defaultValue off */
  wechatProxy?: WeChatProxySettings;
  /** The caller name of each app's dispatch tokens. @defaultValue `compat-<appId>` */
  compatCallers?: Readonly<Record<string, string>>;
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
  /**
   * The delivery-history archive (#20): its queries serve search, stats and reads of expired
   * records, and record changes are appended to its change stream.
   * @defaultValue none (search and stats answer 501)
   */
  archive?: ArchiveSearch;
  /** Append record changes to the change stream. @defaultValue true when `archive` is given */
  recordChanges?: boolean;
  /**
   * The Open Platform (needs `registry`): the component store and a WeChat client for the
   * component endpoints. @defaultValue none (the component routes answer 503)
   */
  openPlatform?: { store: ComponentStore; client: WeChatClient; loginPageUrl: string };
}

/** Settings of the central token proxy. */
export interface WeChatProxySettings {
  /** `all` (`WECHAT_PROXY=on`) or the apps it is on for. */
  apps: 'all' | readonly string[];
  /** `WECHAT_API_BASE`. */
  apiBase: string;
  /** `WECHAT_TOKEN_MODE`: the token cache the worker shares. @defaultValue stable */
  tokenMode?: 'stable' | 'classic';
  /** `WECHAT_PROXY_TIMEOUT_MS`. */
  timeoutMs: number;
  /** `WECHAT_PROXY_PATHS`. */
  allowedPrefixes: readonly string[];
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
  const storeOptions = {
    redis,
    keyspace,
    ttlSeconds: options.recordTtlSeconds,
    archiveChanges: options.recordChanges ?? options.archive !== undefined,
  };
  const shards = new SendShards(keyspace.prefix, options.sendShards);
  const shardStores = shards.keyspaces.map((shardKeyspace) => ({
    ...storeOptions,
    keyspace: shardKeyspace,
  }));
  const recordStores = shardStores.map((shardOptions) => new RecordStore(shardOptions));
  const apps = options.registry?.directory ?? staticDirectoryOf(options);
  const context = { connection: redis, keyspace, logger };
  const queues = openServiceQueues(context);
  const sendQueues = openShardSendQueues(context, shards.keyspaces, queues.send);
  const deadLetterStores = recordStores.map(
    (shardRecords, shard) =>
      new DeadLetterStore({
        redis,
        keyspace: shards.keyspaces[shard]!,
        records: shardRecords,
        deadLetterQueue: queues.deadLetters,
        sendQueue: sendQueues[shard]!,
      }),
  );
  const metrics = createApiMetrics({
    sendQueue: queues.send,
    otherShards: sendQueues
      .slice(1)
      .map((sendQueue, i) => ({ sendQueue, keyspace: shards.keyspaces[i + 1]! })),
    deadLetterQueue: queues.deadLetters,
    redis,
    keyspace,
    processMetrics: options.processMetrics,
    recordChanges: storeOptions.archiveChanges,
  });
  const eventInbox = new RedisEventInbox(redis, keyspace, queues.wechatEvents);
  const events = new EventReceiver({
    credentials: apps,
    inbox: eventInbox,
    tuples: new RedisPushTuples(redis, keyspace),
    logger,
    maxAgeSeconds: options.eventMaxAgeSeconds,
  });
  const platform = openPlatformOf(options);
  const consents = new ConsentLedger({ redis, keyspace });
  const exemptApps = new Set(options.consent?.exemptApps ?? []);
  const byId = recordsById(recordStores);
  const admission = new MessageAdmission({
    consents,
    records: byId,
    policy: {
      mode: options.consent?.mode ?? 'auto',
      isExempt: (appId) => exemptApps.has(appId) || apps.get(appId)?.consentExempt === true,
      isEventApp: (appId) => events.receivesPushes(appId),
    },
    callbackCallers: options.callbackCallers ?? [],
    ssrf: new SsrfGuard(options.callbackAllowlist ?? [], undefined, options.callbackProtectedPorts),
    logger,
  });
  const compatMsgIds = new CompatMsgIds({ redis, keyspace, ttlSeconds: options.recordTtlSeconds });
  const messages = new MessageService({
    records: byId,
    shardOf: (appId) => shards.shardOf(appId),
    queue: new ShardedMessageQueue(
      shards,
      sendQueues.map(
        (sendQueue, shard) =>
          new RedisMessageQueue(new RecordBatch(shardStores[shard]!), sendQueue),
      ),
    ),
    idempotency: new IdempotencyGuard({
      store: new RedisIdempotencyStore({ redis, keyspace }),
      waitMs: options.idempotencyWaitMs,
    }),
    apps,
    logger,
    onAccepted: (types, caller) => metrics.countAccepted(types, caller),
    admission,
    msgIds: compatMsgIds,
    sendAtMaxDays: options.sendAtMaxDays,
  });
  const compatCallers = options.compatCallers ?? {};
  const proxy = proxyOf(options, apps);
  const deps: ApiDeps = {
    logger,
    redis,
    readinessKey: keyspace.root,
    messages,
    history: new MessageHistory({
      search: options.archive,
      apps,
      cursors: new DeadLetterCursors(cursorKeyFrom(options.apiKeys)),
      logger,
    }),
    deadLetters: new DeadLetterService(
      shardedDeadLetters(deadLetterStores),
      byId,
      new DeadLetterCursors(cursorKeyFrom(options.apiKeys)),
      logger,
    ),
    events,
    consents,
    admission,
    dispatchTokens: new DispatchTokens({
      secretOf: (appId) => apps.secretOf(appId),
      callerOf: (appId) => compatCallers[appId] ?? defaultCompatCaller(appId),
    }),
    isKnownApp: (appId) => apps.get(appId) !== undefined,
    compatMsgIds,
    apps,
    proxy: proxy?.deps,
    appAdmin: new AppAdmin(options.registry?.store, AppPauseMarkers.of(redis, shards), logger),
    openPlatform: platform,
    componentAdmin: new ComponentAdmin(
      platform && options.openPlatform
        ? { store: options.openPlatform.store, platform, logger }
        : undefined,
    ),
    queues: [...queues.all(), ...sendQueues.slice(1)],
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
    close: async () => {
      proxy?.close();
      await Promise.all([queues.close(), ...sendQueues.slice(1).map((queue) => queue.close())]);
    },
  };
}

/**
 * The central token proxy over the token cache the worker shares (same keys, same lock): one
 * real token per app, whichever process fetched it. None when `WECHAT_PROXY` is off.
 */
function proxyOf(options: BuildApiDepsOptions, apps: AppDirectory & AppCredentials) {
  const settings = options.wechatProxy;
  if (!settings || (settings.apps !== 'all' && settings.apps.length === 0)) {
    return undefined;
  }
  const client = new WeChatClient({ baseUrl: settings.apiBase, timeoutMs: settings.timeoutMs });
  const tokens = new AccessTokenService({
    redis: options.redis,
    keyspace: options.keyspace,
    client,
    apps: {
      secretOf: (appId) => apps.secretOf(appId),
      tokenModeOf: (appId) => apps.get(appId)?.tokenMode,
    },
    mode: settings.tokenMode,
    logger: options.logger,
  });
  const forwarder = createWeChatForwarder(settings.apiBase);
  const on = settings.apps === 'all' ? undefined : new Set(settings.apps);
  return {
    deps: {
      proxy: new WeChatProxy({ tokens, forward: (call) => forwarder.forward(call) }),
      enabledFor: (appId: string) => on === undefined || on.has(appId),
      allowedPrefixes: settings.allowedPrefixes,
      timeoutMs: settings.timeoutMs,
    },
    close: () => {
      forwarder.close();
      client.close();
    },
  };
}

/** The Open Platform side, over the registry and a component token service on `redis`. */
function openPlatformOf(options: BuildApiDepsOptions): OpenPlatform | undefined {
  const { openPlatform, registry, redis, keyspace, logger } = options;
  if (openPlatform === undefined || registry === undefined) {
    return undefined;
  }
  const componentTokens = new AccessTokenService({
    redis,
    keyspace,
    client: openPlatform.client,
    // A missing ticket is found without calling WeChat: retry soon after the next push.
    negativeTtlMs: 2000,
    apps: componentTokenSource(openPlatform.client, openPlatform.store),
    logger,
  });
  return new OpenPlatform({
    store: openPlatform.store,
    registry: registry.store,
    client: openPlatform.client,
    componentTokens,
    logger,
    loginPageUrl: openPlatform.loginPageUrl,
    maxAgeSeconds: options.eventMaxAgeSeconds,
  });
}

/** The apps of `appIds` with their event tokens and consent exemptions from the environment. */
function staticDirectoryOf(options: BuildApiDepsOptions): AppDirectory & AppCredentials {
  const tokens = new Map((options.eventTokens ?? []).map((entry) => [entry.appId, entry]));
  const exempt = new Set(options.consent?.exemptApps ?? []);
  const secrets = new Map((options.appSecrets ?? []).map((app) => [app.appId, app.appSecret]));
  return staticAppDirectory(
    options.appIds.map((appId) => ({
      appId,
      appSecret: secrets.get(appId) ?? '',
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
