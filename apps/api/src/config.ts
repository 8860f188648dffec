import { z } from 'zod';
import {
  apiKeysEnv,
  intEnv,
  logLevelEnv,
  parseEnv,
  portEnv,
  queuePrefixEnv,
  redisUrlEnv,
  wechatAppsEnv,
} from '@wechat-dispatch/shared';

const envSchema = z.object({
  REDIS_URL: redisUrlEnv,
  QUEUE_PREFIX: queuePrefixEnv,
  LOG_LEVEL: logLevelEnv,
  WECHAT_APPS: wechatAppsEnv,
  API_KEYS: apiKeysEnv,
  PORT: portEnv(3000),
  ADMIN_USER: z.string().min(1).optional(),
  ADMIN_PASSWORD: z.string().min(1).optional(),
  RECORD_TTL_DAYS: intEnv(7, 1, 365),
  TRUST_PROXY_HOPS: intEnv(0, 0, 10),
  SHUTDOWN_TIMEOUT_MS: intEnv(10000, 1000, 600000),
});

/** The API's configuration, parsed once from the environment. */
export interface ApiConfig {
  redisUrl: string;
  queuePrefix: string;
  logLevel: string;
  apps: Array<{ appId: string; appSecret: string }>;
  apiKeys: Array<{ name: string; key: string }>;
  port: number;
  admin?: { user: string; password: string };
  recordTtlSeconds: number;
  trustProxyHops: number;
  shutdownTimeoutMs: number;
}

/**
 * Reads the API's environment (CONTRACT §2).
 * @throws ConfigError naming every bad variable
 */
export function loadApiConfig(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  const e = parseEnv(envSchema, env);
  return Object.freeze({
    redisUrl: e.REDIS_URL,
    queuePrefix: e.QUEUE_PREFIX,
    logLevel: e.LOG_LEVEL,
    apps: e.WECHAT_APPS,
    apiKeys: e.API_KEYS,
    port: e.PORT,
    admin:
      e.ADMIN_USER && e.ADMIN_PASSWORD
        ? { user: e.ADMIN_USER, password: e.ADMIN_PASSWORD }
        : undefined,
    recordTtlSeconds: e.RECORD_TTL_DAYS * 24 * 3600,
    trustProxyHops: e.TRUST_PROXY_HOPS,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
  });
}
