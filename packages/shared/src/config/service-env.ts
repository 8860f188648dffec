import { z } from 'zod';
import { archiveConfigOf, archiveEnvShape, type ArchiveConfig } from './archive-env';
import { secretsKeyEnv, type AppSecretsKeys } from './app-secrets-env';
import {
  callbackAllowlistEnv,
  callbackProtectedPortsEnv,
  callbackSecretsEnv,
} from './event-env-schemas';
import {
  intEnv,
  logLevelEnv,
  queuePrefixEnv,
  wechatAppsEnv,
  type WeChatAppCredentials,
} from './env-schemas';
import type { RedisTopology } from '../redis/redis-topology';

/**
 * The variables both the API and the worker read, with one meaning and one default: spread
 * into each process's own schema.
 */
export const serviceEnvShape = {
  QUEUE_PREFIX: queuePrefixEnv,
  SEND_SHARDS: intEnv(1, 1, 64),
  LOG_LEVEL: logLevelEnv,
  // Empty or unset is allowed here; `checkAppSource` requires it unless APP_SECRETS_KEY is set.
  WECHAT_APPS: z.preprocess(
    (raw) => (typeof raw === 'string' && raw.trim() === '' ? undefined : raw),
    wechatAppsEnv.optional(),
  ),
  APP_SECRETS_KEY: secretsKeyEnv,
  APP_SECRETS_KEY_PREVIOUS: secretsKeyEnv,
  RECORD_TTL_DAYS: intEnv(7, 1, 365),
  CALLBACK_SECRETS: callbackSecretsEnv,
  CALLBACK_ALLOWLIST: callbackAllowlistEnv,
  CALLBACK_PROTECTED_PORTS: callbackProtectedPortsEnv,
  ...archiveEnvShape,
};

/** The parsed variables of {@link serviceEnvShape} that {@link checkAppSource} looks at. */
interface AppSourceEnv {
  WECHAT_APPS?: WeChatAppCredentials[];
  APP_SECRETS_KEY?: Buffer;
  APP_SECRETS_KEY_PREVIOUS?: Buffer;
}

/**
 * A process needs apps from somewhere: `WECHAT_APPS`, or the registry (`APP_SECRETS_KEY`).
 * For a schema's `superRefine`: names WECHAT_APPS when neither is set, and
 * APP_SECRETS_KEY_PREVIOUS when it is set alone.
 */
export function checkAppSource(env: AppSourceEnv, ctx: z.RefinementCtx): void {
  if (env.WECHAT_APPS === undefined && env.APP_SECRETS_KEY === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['WECHAT_APPS'],
      message:
        'is required (appId:appSecret pairs, comma-separated) unless APP_SECRETS_KEY turns on the app registry',
    });
  }
  if (env.APP_SECRETS_KEY_PREVIOUS !== undefined && env.APP_SECRETS_KEY === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['APP_SECRETS_KEY_PREVIOUS'],
      message: 'needs APP_SECRETS_KEY (the new key) beside it',
    });
  }
}

/** What both processes' configurations hold from {@link serviceEnvShape}. */
export interface ServiceConfig {
  /** Where Redis is: REDIS_URL, or a cluster or sentinel set (`redisTopologyEnv`). */
  redis: RedisTopology;
  queuePrefix: string;
  /** `SEND_SHARDS`: how many shards the send path's keys are spread over. @defaultValue 1 */
  sendShards: number;
  logLevel: string;
  /** `WECHAT_APPS`; empty when the registry alone holds the apps. */
  apps: WeChatAppCredentials[];
  recordTtlSeconds: number;
  /** The registry's keys; undefined = no registry, the apps of `WECHAT_APPS` only. */
  secretsKeys?: AppSecretsKeys;
  /** The delivery-history archive (#20). */
  archive: ArchiveConfig;
}

/** The {@link ServiceConfig} part of a parsed environment. */
export function serviceConfigOf(
  e: {
    QUEUE_PREFIX: string;
    SEND_SHARDS: number;
    LOG_LEVEL: string;
    WECHAT_APPS?: WeChatAppCredentials[];
    RECORD_TTL_DAYS: number;
    APP_SECRETS_KEY?: Buffer;
    APP_SECRETS_KEY_PREVIOUS?: Buffer;
    DATABASE_URL?: string;
    ARCHIVE_DIR?: string;
    ARCHIVE_RETENTION_DAYS: number;
    ARCHIVER: 'auto' | 'on' | 'off';
  },
  redis: RedisTopology,
): ServiceConfig {
  return {
    redis,
    queuePrefix: e.QUEUE_PREFIX,
    sendShards: e.SEND_SHARDS,
    logLevel: e.LOG_LEVEL,
    apps: e.WECHAT_APPS ?? [],
    recordTtlSeconds: e.RECORD_TTL_DAYS * 24 * 3600,
    secretsKeys: e.APP_SECRETS_KEY
      ? { current: e.APP_SECRETS_KEY, previous: e.APP_SECRETS_KEY_PREVIOUS }
      : undefined,
    archive: archiveConfigOf(e),
  };
}
