import { z } from 'zod';

/** One WeChat account the service sends for. */
export interface WeChatAppCredentials {
  appId: string;
  appSecret: string;
}

/** One caller of the API: `name` is recorded on each message it sends. */
export interface ApiKeyEntry {
  name: string;
  key: string;
  /** The apps the caller may send for and read; undefined: every app. */
  appIds?: string[];
}

/** Keys shorter than this refuse to start. */
export const MIN_API_KEY_LENGTH = 8;
/** Keys shorter than this start with a warning. */
export const WEAK_API_KEY_LENGTH = 24;

const APP_ID = /^[A-Za-z0-9_-]{1,64}$/;

const LOG_LEVELS = ['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly'] as const;

/** Splits `a:b,c:d` into pairs; the value may itself contain `:`. */
function splitPairs(raw: string): Array<[string, string]> {
  return raw
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0)
    .map((part) => {
      const at = part.indexOf(':');
      return at < 0 ? [part, ''] : [part.slice(0, at).trim(), part.slice(at + 1).trim()];
    });
}

/** `WECHAT_APPS`: `appId:appSecret` pairs, comma-separated, at least one, no duplicate appId. */
export const wechatAppsEnv = z
  .string({ error: 'is required (appId:appSecret pairs, comma-separated)' })
  .transform((raw, ctx): WeChatAppCredentials[] => {
    const pairs = splitPairs(raw);
    if (pairs.length === 0) {
      ctx.addIssue({
        code: 'custom',
        message: 'is required (appId:appSecret pairs, comma-separated)',
      });
      return z.NEVER;
    }
    const seen = new Set<string>();
    for (const [appId, appSecret] of pairs) {
      if (!/^[A-Za-z0-9_-]{1,64}$/.test(appId) || appSecret.length === 0) {
        ctx.addIssue({ code: 'custom', message: 'each entry must be appId:appSecret' });
        return z.NEVER;
      }
      if (seen.has(appId)) {
        ctx.addIssue({ code: 'custom', message: `appId ${appId} appears twice` });
        return z.NEVER;
      }
      seen.add(appId);
    }
    return pairs.map(([appId, appSecret]) => ({ appId, appSecret }));
  });

/** `key` or `key:appId|appId…`: the app list follows the last `:` when every part is an appId. */
function splitKeyAndApps(value: string): { key: string; appIds?: string[] } {
  const at = value.lastIndexOf(':');
  if (at < 0) {
    return { key: value };
  }
  const appIds = value.slice(at + 1).split('|');
  return appIds.every((id) => APP_ID.test(id))
    ? { key: value.slice(0, at), appIds }
    : { key: value };
}

/**
 * `API_KEYS`: `name:key` or `name:key:appId|appId…` entries, comma-separated, at least one,
 * keys unique, keys at least {@link MIN_API_KEY_LENGTH} characters. An entry without
 * an app list may use every app. Messages name the caller, never the key.
 */
export const apiKeysEnv = z
  .string({ error: 'is required (name:key pairs, comma-separated)' })
  .transform((raw, ctx): ApiKeyEntry[] => {
    const pairs = splitPairs(raw);
    if (pairs.length === 0) {
      ctx.addIssue({ code: 'custom', message: 'is required (name:key pairs, comma-separated)' });
      return z.NEVER;
    }
    const keys = new Set<string>();
    const out: ApiKeyEntry[] = [];
    for (const [name, value] of pairs) {
      const { key, appIds } = splitKeyAndApps(value);
      if (!/^[A-Za-z0-9_.-]{1,64}$/.test(name) || key.length === 0) {
        ctx.addIssue({ code: 'custom', message: 'each entry must be name:key[:appId|appId…]' });
        return z.NEVER;
      }
      if (key.length < MIN_API_KEY_LENGTH) {
        ctx.addIssue({
          code: 'custom',
          message: `the key of caller ${name} is shorter than ${MIN_API_KEY_LENGTH} characters`,
        });
        return z.NEVER;
      }
      if (keys.has(key)) {
        ctx.addIssue({ code: 'custom', message: 'two callers share one key' });
        return z.NEVER;
      }
      keys.add(key);
      out.push(appIds ? { name, key, appIds } : { name, key });
    }
    return out;
  });

/** One start-up warning per caller whose key is shorter than {@link WEAK_API_KEY_LENGTH} (no key). */
export function weakApiKeyWarnings(entries: readonly ApiKeyEntry[]): string[] {
  return entries
    .filter((entry) => entry.key.length < WEAK_API_KEY_LENGTH)
    .map(
      (entry) =>
        `API_KEYS: the key of caller ${entry.name} is shorter than ${WEAK_API_KEY_LENGTH} characters; use a long random key`,
    );
}

/** `QUEUE_PREFIX`: no `{`, `}` or `:` because it becomes a Redis hash tag. @defaultValue wxd */
export const queuePrefixEnv = z
  .string()
  .default('wxd')
  .refine((v) => /^[A-Za-z0-9_.-]{1,32}$/.test(v), 'must be 1-32 of A-Z a-z 0-9 _ . -');

/** `LOG_LEVEL` @defaultValue info */
export const logLevelEnv = z.enum(LOG_LEVELS).default('info');

/** An integer variable within bounds, with a default. */
export function intEnv(defaultValue: number, min: number, max = Number.MAX_SAFE_INTEGER) {
  return z
    .string()
    .default(String(defaultValue))
    .transform((v, ctx) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < min || n > max) {
        ctx.addIssue({ code: 'custom', message: `must be an integer from ${min} to ${max}` });
        return z.NEVER;
      }
      return n;
    });
}

/** A TCP port (0 allowed where it means "off" or "any free port"). */
export const portEnv = (defaultValue: number) => intEnv(defaultValue, 0, 65535);

/** An http(s) URL without a trailing slash. */
export function urlEnv(defaultValue: string) {
  return z
    .string()
    .default(defaultValue)
    .refine((v) => /^https?:\/\/[^\s]+$/.test(v), 'must be an http(s) URL')
    .transform((v) => v.replace(/\/+$/, ''));
}
