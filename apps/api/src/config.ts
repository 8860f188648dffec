import { z } from 'zod';
import {
  apiKeysEnv,
  checkAppSource,
  eventTokensEnv,
  intEnv,
  metricsTokenEnv,
  parseEnvParts,
  portEnv,
  urlEnv,
  redisTopologyEnv,
  serviceConfigOf,
  serviceEnvShape,
  type ApiKeyEntry,
  type CallbackSecretEntry,
  type EventTokenEntry,
  type ServiceConfig,
} from '@wechat-dispatch/shared';
import { componentsEnv, type ComponentEntry } from './component-config';

/** `a,b,c` → `['a','b','c']`, blanks dropped. */
const nameListEnv = z
  .string()
  .default('')
  .transform((raw) =>
    raw
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part.length > 0),
  );

/** The path prefixes the central token proxy forwards unless `WECHAT_PROXY_PATHS` says otherwise. */
export const DEFAULT_PROXY_PATHS = [
  '/cgi-bin/user/',
  '/cgi-bin/tags/',
  '/cgi-bin/menu/',
  '/cgi-bin/get_current_selfmenu_info',
  '/cgi-bin/qrcode/',
  '/cgi-bin/shorturl',
  '/cgi-bin/media/',
  '/cgi-bin/material/',
  '/cgi-bin/message/custom/',
  '/cgi-bin/message/mass/',
  '/cgi-bin/template/',
  '/cgi-bin/ticket/getticket',
  '/cgi-bin/customservice/',
  '/wxa/',
  '/datacube/',
];

/** Below this an `ADMIN_PASSWORD` is refused; below {@link ADMIN_PASSWORD_ADVISED} a warning. */
const ADMIN_PASSWORD_MIN = 8;
const ADMIN_PASSWORD_ADVISED = 12;

const envSchema = z
  .object({
    ...serviceEnvShape,
    API_KEYS: apiKeysEnv,
    PORT: portEnv(3000),
    ADMIN_USER: z.string().min(1).optional(),
    ADMIN_PASSWORD: z
      .string()
      .min(
        ADMIN_PASSWORD_MIN,
        `must be at least ${ADMIN_PASSWORD_MIN} characters (${ADMIN_PASSWORD_ADVISED} or more advised)`,
      )
      .optional(),
    METRICS_TOKEN: metricsTokenEnv,
    AUTH_FAILURE_LIMIT: intEnv(20, 0, 1_000_000),
    AUTH_FAILURE_WINDOW_S: intEnv(60, 1, 86400),
    API_ADMIN_CALLERS: nameListEnv,
    API_RATE_LIMIT_PER_MIN: intEnv(60000, 0, 10_000_000),
    TRUST_PROXY_HOPS: intEnv(0, 0, 10),
    SHUTDOWN_TIMEOUT_MS: intEnv(10000, 1000, 600000),
    WECHAT_EVENT_TOKENS: eventTokensEnv,
    WECHAT_EVENT_MAX_AGE_S: intEnv(300, 1, 86400),
    WECHAT_CONSENT_MODE: z.enum(['auto', 'enforce', 'off']).default('auto'),
    WECHAT_CONSENT_EXEMPT_APPS: nameListEnv,
    WECHAT_COMPONENTS: componentsEnv,
    WECHAT_API_BASE: urlEnv('https://api.weixin.qq.com'),
    WECHAT_TIMEOUT_MS: intEnv(5000, 100, 120000),
    WECHAT_COMPONENT_LOGIN_URL: urlEnv('https://mp.weixin.qq.com/cgi-bin/componentloginpage'),
    WECHAT_PROXY: z
      .string()
      .default('off')
      .transform((raw): 'all' | string[] =>
        raw.trim() === 'on'
          ? 'all'
          : raw.trim() === 'off'
            ? []
            : raw
                .split(',')
                .map((part) => part.trim())
                .filter((part) => part.length > 0),
      ),
    WECHAT_PROXY_PATHS: z
      .string()
      .default(DEFAULT_PROXY_PATHS.join(','))
      .transform((raw) =>
        raw
          .split(',')
          .map((part) => part.trim())
          .filter((part) => part.length > 0),
      )
      .refine((paths) => paths.every((path) => /^\/(cgi-bin|wxa|datacube)(\/|$)/.test(path)), {
        message: 'every prefix must start with /cgi-bin, /wxa or /datacube',
      }),
    WECHAT_PROXY_TIMEOUT_MS: intEnv(10000, 100, 120000),
    WECHAT_COMPAT_CALLERS: z
      .string()
      .default('')
      .transform((raw, ctx) => {
        const callers: Record<string, string> = {};
        for (const entry of raw.split(',').map((part) => part.trim())) {
          if (entry === '') {
            continue;
          }
          const [appId, caller, ...rest] = entry.split(':');
          if (!appId || !caller || rest.length > 0) {
            ctx.addIssue({ code: 'custom', message: `${entry} is not appId:callerName` });
            continue;
          }
          callers[appId] = caller;
        }
        return callers;
      }),
    WECHAT_TOKEN_MODE: z.enum(['stable', 'classic']).default('stable'),
    SEND_AT_MAX_DAYS: intEnv(30, 1, 3650),
  })
  .superRefine((env, ctx) => {
    checkAppSource(env, ctx);
    const names = new Set(env.API_KEYS.map((entry) => entry.name));
    for (const name of env.API_ADMIN_CALLERS) {
      if (!names.has(name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['API_ADMIN_CALLERS'],
          message: `${name} is not a caller name from API_KEYS`,
        });
      }
    }
    const appIds = new Set((env.WECHAT_APPS ?? []).map((app) => app.appId));
    // With the registry, apps come and go at run time: an app list may name any of them.
    for (const entry of env.APP_SECRETS_KEY === undefined ? env.API_KEYS : []) {
      for (const appId of entry.appIds ?? []) {
        if (!appIds.has(appId)) {
          ctx.addIssue({
            code: 'custom',
            path: ['API_KEYS'],
            message: `caller ${entry.name} names ${appId}, which is not an appId from WECHAT_APPS`,
          });
        }
      }
    }
    if (env.WECHAT_COMPONENTS.length > 0 && env.APP_SECRETS_KEY === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['WECHAT_COMPONENTS'],
        message: 'needs APP_SECRETS_KEY (component secrets and refresh tokens are sealed with it)',
      });
    }
    for (const entry of env.WECHAT_EVENT_TOKENS) {
      if (!appIds.has(entry.appId)) {
        ctx.addIssue({
          code: 'custom',
          path: ['WECHAT_EVENT_TOKENS'],
          message: `${entry.appId} is not an appId from WECHAT_APPS`,
        });
      }
    }
  });

/** The API's configuration, parsed once from the environment. */
export interface ApiConfig extends ServiceConfig {
  apiKeys: ApiKeyEntry[];
  port: number;
  /** Basic-auth credentials of `/admin/queues`; the dashboard answers 404 without them. */
  admin?: { user: string; password: string };
  /** Callers (names from `API_KEYS`) that may see and act on every caller's records. */
  adminCallers: string[];
  /** Requests per API key per minute, across replicas; 0 turns the limit off. */
  rateLimitPerMin: number;
  trustProxyHops: number;
  /** Bearer token `/metrics` wants; none = open. */
  metricsToken?: string;
  /** Failed authentications per client address and window before 429s; 0 turns it off. */
  authFailureLimit: number;
  authFailureWindowSeconds: number;
  shutdownTimeoutMs: number;
  /** Event push settings per app (`WECHAT_EVENT_TOKENS`); apps without one answer 404. */
  eventTokens: EventTokenEntry[];
  /** Pushes older (or newer) than this are refused as stale. */
  eventMaxAgeSeconds: number;
  /** Which apps need a subscription consent grant (see docs/events-and-callbacks.md). */
  consentMode: 'auto' | 'enforce' | 'off';
  consentExemptApps: string[];
  /** How far ahead a message's `sendAt` may be. */
  sendAtMaxDays: number;
  /** Callers that may give a `callbackUrl`, with the secret their callbacks are signed with. */
  callbackSecrets: CallbackSecretEntry[];
  /** Hosts/IPs/CIDRs callbacks may reach despite the SSRF rules. */
  callbackAllowlist: string[];
  /** Ports an allow-list entry opens only by naming them (this process's own included). */
  callbackProtectedPorts: number[];
  /** Open Platform components of `WECHAT_COMPONENTS`, seeded into the registry at start. */
  components: ComponentEntry[];
  /** WeChat's API origin, for the component endpoints (`WECHAT_API_BASE`). */
  wechatApiBase: string;
  wechatTimeoutMs: number;
  /** WeChat's authorization page (`WECHAT_COMPONENT_LOGIN_URL`). */
  componentLoginUrl: string;
  /** The caller name of each app's dispatch tokens (`WECHAT_COMPAT_CALLERS`); else `compat-<appId>`. */
  compatCallers: Record<string, string>;
  /** The central token proxy: `all`, the apps it is on for, or none. */
  wechatProxy: {
    apps: 'all' | string[];
    allowedPrefixes: string[];
    timeoutMs: number;
    apiBase: string;
    tokenMode: 'stable' | 'classic';
  };
}

/**
 * Reads the API's environment (CONTRACT §2, plus `API_RATE_LIMIT_PER_MIN` (default 60000) and
 * `API_ADMIN_CALLERS` (default none), documented in docs/api.md).
 * @throws ConfigError naming every bad variable
 */
export function loadApiConfig(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  const { api: e, redis } = parseEnvParts({ api: envSchema, redis: redisTopologyEnv }, env);
  return Object.freeze({
    ...serviceConfigOf(e, redis),
    apiKeys: e.API_KEYS,
    port: e.PORT,
    admin:
      e.ADMIN_USER && e.ADMIN_PASSWORD
        ? { user: e.ADMIN_USER, password: e.ADMIN_PASSWORD }
        : undefined,
    adminCallers: e.API_ADMIN_CALLERS,
    rateLimitPerMin: e.API_RATE_LIMIT_PER_MIN,
    trustProxyHops: e.TRUST_PROXY_HOPS,
    metricsToken: e.METRICS_TOKEN,
    authFailureLimit: e.AUTH_FAILURE_LIMIT,
    authFailureWindowSeconds: e.AUTH_FAILURE_WINDOW_S,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    eventTokens: e.WECHAT_EVENT_TOKENS,
    eventMaxAgeSeconds: e.WECHAT_EVENT_MAX_AGE_S,
    consentMode: e.WECHAT_CONSENT_MODE,
    consentExemptApps: e.WECHAT_CONSENT_EXEMPT_APPS,
    sendAtMaxDays: e.SEND_AT_MAX_DAYS,
    callbackSecrets: e.CALLBACK_SECRETS,
    callbackAllowlist: e.CALLBACK_ALLOWLIST,
    callbackProtectedPorts: [e.PORT, ...e.CALLBACK_PROTECTED_PORTS],
    components: e.WECHAT_COMPONENTS,
    wechatApiBase: e.WECHAT_API_BASE,
    wechatTimeoutMs: e.WECHAT_TIMEOUT_MS,
    componentLoginUrl: e.WECHAT_COMPONENT_LOGIN_URL,
    compatCallers: e.WECHAT_COMPAT_CALLERS,
    wechatProxy: {
      apps: e.WECHAT_PROXY,
      allowedPrefixes: e.WECHAT_PROXY_PATHS,
      timeoutMs: e.WECHAT_PROXY_TIMEOUT_MS,
      apiBase: e.WECHAT_API_BASE,
      tokenMode: e.WECHAT_TOKEN_MODE,
    },
  });
}

/**
 * What a valid configuration should still not be: one sentence per weakness, for main.ts to log
 * as warnings at start (never the secret itself).
 */
export function apiConfigWarnings(config: ApiConfig): string[] {
  const warnings: string[] = [];
  if (config.admin && [...config.admin.password].length < ADMIN_PASSWORD_ADVISED) {
    warnings.push(
      `ADMIN_PASSWORD is shorter than ${ADMIN_PASSWORD_ADVISED} characters; use a longer one`,
    );
  }
  return warnings;
}
