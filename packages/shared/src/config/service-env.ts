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
  LOG_LEVEL: logLevelEnv,
  WECHAT_APPS: wechatAppsEnv,
  RECORD_TTL_DAYS: intEnv(7, 1, 365),
  CALLBACK_SECRETS: callbackSecretsEnv,
  CALLBACK_ALLOWLIST: callbackAllowlistEnv,
  CALLBACK_PROTECTED_PORTS: callbackProtectedPortsEnv,
};

/** What both processes' configurations hold from {@link serviceEnvShape}. */
export interface ServiceConfig {
  /** Where Redis is: REDIS_URL, or a cluster or sentinel set (`redisTopologyEnv`). */
  redis: RedisTopology;
  queuePrefix: string;
  logLevel: string;
  apps: WeChatAppCredentials[];
  recordTtlSeconds: number;
}

/** The {@link ServiceConfig} part of a parsed environment. */
export function serviceConfigOf(
  e: {
    QUEUE_PREFIX: string;
    LOG_LEVEL: string;
    WECHAT_APPS: WeChatAppCredentials[];
    RECORD_TTL_DAYS: number;
  },
  redis: RedisTopology,
): ServiceConfig {
  return {
    redis,
    queuePrefix: e.QUEUE_PREFIX,
    logLevel: e.LOG_LEVEL,
    apps: e.WECHAT_APPS,
    recordTtlSeconds: e.RECORD_TTL_DAYS * 24 * 3600,
  };
}
