import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { UnauthorizedError, type ApiKeyEntry } from '@wechat-dispatch/shared';
import { localsOf } from '../request-locals';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** The configured keys as digests, computed once. */
export type KeyDigests = ReadonlyArray<{ name: string; digest: Buffer }>;

/** Digests of the configured keys, for {@link findCaller}. */
export function digestKeys(keys: readonly ApiKeyEntry[]): KeyDigests {
  return keys.map((entry) => ({ name: entry.name, digest: digest(entry.key) }));
}

/**
 * Finds the caller whose key equals `presented`. Every key is compared, each in constant time
 * over equal-length digests, so timing reveals neither which key nor how much of it matched.
 */
export function findCaller(keys: KeyDigests, presented: string): string | undefined {
  const presentedDigest = digest(presented);
  let caller: string | undefined;
  for (const entry of keys) {
    if (timingSafeEqual(entry.digest, presentedDigest)) {
      caller = entry.name;
    }
  }
  return caller;
}

/** Options of {@link apiKeyAuth}. */
export interface ApiKeyAuthOptions {
  keys: readonly ApiKeyEntry[];
  /** Caller names that are operators (see every caller's records). */
  adminCallers?: readonly string[];
  /** Where the key is: the Bearer header (`/v1`) or WeChat's `access_token` query (compat). */
  from?: 'bearer' | 'access_token';
}

/**
 * Requires a known API key; puts the caller's name in `res.locals.caller` and whether it is an
 * operator in `res.locals.isAdmin`.
 * @throws UnauthorizedError (401)
 */
export function apiKeyAuth(options: ApiKeyAuthOptions): RequestHandler {
  const admins = new Set(options.adminCallers ?? []);
  const keys = digestKeys(options.keys);
  return (req, res, next) => {
    let presented: string | undefined;
    if (options.from === 'access_token') {
      const token = req.query.access_token;
      presented = typeof token === 'string' && token.length > 0 ? token : undefined;
    } else {
      presented = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '')?.[1];
    }
    const caller = presented ? findCaller(keys, presented) : undefined;
    if (!caller) {
      throw new UnauthorizedError();
    }
    const locals = localsOf(res);
    locals.caller = caller;
    locals.isAdmin = admins.has(caller);
    next();
  };
}
