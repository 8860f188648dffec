import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { UnauthorizedError, bearerTokenOf, type ApiKeyEntry } from '@wechat-dispatch/shared';
import { CallerScope } from '../../domain/caller-scope';
import { gatedAuthentication, type AuthGate } from '../auth-gate';
import { localsOf } from '../request-locals';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** The configured keys as digests, computed once, with each key's caller and scope. */
type KeyDigests = ReadonlyArray<{ name: string; scope: CallerScope; digest: Buffer }>;

/** Digests of the configured keys, for {@link findCaller}. */
function digestKeys(keys: readonly ApiKeyEntry[]): KeyDigests {
  return keys.map((entry) => ({
    name: entry.name,
    scope: CallerScope.of(entry.appIds),
    digest: digest(entry.key),
  }));
}

/**
 * Finds the caller whose key equals `presented`. Every key is compared, each in constant time
 * over equal-length digests, so timing reveals neither which key nor how much of it matched.
 */
function findCaller(keys: KeyDigests, presented: string): KeyDigests[number] | undefined {
  const presentedDigest = digest(presented);
  let caller: KeyDigests[number] | undefined;
  for (const entry of keys) {
    if (timingSafeEqual(entry.digest, presentedDigest)) {
      caller = entry;
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
  /** Failed authentications throttled per client address. @defaultValue none */
  gate?: AuthGate;
}

/** An authenticated caller. */
export interface Caller {
  caller: string;
  /** An operator: sees every caller's records. */
  isAdmin: boolean;
  /** The apps the caller may use (every app for an operator). */
  scope: CallerScope;
}

/** Who presents which key: the configured keys, digested once, and the operators among them. */
export class ApiKeys {
  private readonly keys: KeyDigests;
  private readonly admins: ReadonlySet<string>;

  constructor(options: Pick<ApiKeyAuthOptions, 'keys' | 'adminCallers'>) {
    this.keys = digestKeys(options.keys);
    this.admins = new Set(options.adminCallers ?? []);
  }

  /**
   * The caller of a presented key (none or an unknown one: 401).
   * @throws UnauthorizedError
   */
  authenticate(presented: string | undefined): Caller {
    const found = presented ? findCaller(this.keys, presented) : undefined;
    if (!found) {
      throw new UnauthorizedError();
    }
    const isAdmin = this.admins.has(found.name);
    return { caller: found.name, isAdmin, scope: isAdmin ? CallerScope.all() : found.scope };
  }
}

/** The key of an `Authorization: Bearer <key>` header. */
export function bearerKeyOf(authorization: string | undefined): string | undefined {
  return bearerTokenOf(authorization);
}

/**
 * Requires a known API key; puts the caller's name in `res.locals.caller`, whether it is an
 * operator in `res.locals.isAdmin` and its apps in `res.locals.scope`. Failures go through the
 * gate's throttle (429 past it).
 * @throws UnauthorizedError (401), AuthThrottledError (429)
 */
export function apiKeyAuth(options: ApiKeyAuthOptions): RequestHandler {
  const keys = new ApiKeys(options);
  return (req, res, next) => {
    let presented: string | undefined;
    if (options.from === 'access_token') {
      const token = req.query.access_token;
      presented = typeof token === 'string' && token.length > 0 ? token : undefined;
    } else {
      presented = bearerKeyOf(req.headers.authorization);
    }
    const who = gatedAuthentication(options.gate, req, res, presented !== undefined, () =>
      keys.authenticate(presented),
    );
    if (who instanceof Promise) {
      who.catch(next);
      return;
    }
    const locals = localsOf(res);
    locals.caller = who.caller;
    locals.isAdmin = who.isAdmin;
    locals.scope = who.scope;
    next();
  };
}
