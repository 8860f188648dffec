import type { RedisClient } from '@wechat-dispatch/shared';
import { randomUUID } from 'node:crypto';
import { COMPARE_AND_DELETE, INVALIDATE, PEEK, STORE } from './token-scripts';
import type { TokenKeys } from './token-keys';

/** A cached token-endpoint error, as stored in the negative cache. */
export interface CachedTokenError {
  errcode: number;
  errmsg: string;
  errorClass: string;
  /** Transport error kind, for transient errors. */
  kind?: string;
  /** When it was cached, epoch ms. */
  at: number;
  /** Fingerprint of the credentials that failed; another secret ignores the entry. */
  fp: string;
}

/** One read of an app's token state. */
export interface TokenPeek {
  token?: string;
  /** Lifetime WeChat stated for the token, in seconds. */
  expiresIn?: number;
  /** ms the token has left (Redis PTTL; negative when absent or without expiry). */
  remainingMs: number;
  /** Whether some process holds the fetch lock. */
  locked: boolean;
  error?: CachedTokenError;
}

function parseCachedError(raw: unknown): CachedTokenError | undefined {
  if (typeof raw !== 'string') {
    return undefined;
  }
  try {
    const value = JSON.parse(raw) as Partial<CachedTokenError>;
    if (typeof value.errcode === 'number' && typeof value.errorClass === 'string') {
      return {
        errcode: value.errcode,
        errmsg: typeof value.errmsg === 'string' ? value.errmsg : '',
        errorClass: value.errorClass,
        kind: typeof value.kind === 'string' ? value.kind : undefined,
        at: typeof value.at === 'number' ? value.at : 0,
        fp: typeof value.fp === 'string' ? value.fp : '',
      };
    }
  } catch {
    // A corrupt entry is treated as absent; it expires on its own.
  }
  return undefined;
}

/** Redis operations on one app's token keys; every multi-key step is one Lua script. */
export class TokenStore {
  constructor(private readonly redis: RedisClient) {}

  /** Reads token, remaining life, lock and cached error in one round trip. */
  async peek(keys: TokenKeys): Promise<TokenPeek> {
    const reply = (await PEEK.run(
      this.redis,
      [keys.token, keys.lock, keys.error],
      [],
    )) as unknown[];
    const [token, expiresIn, pttl, locked, error] = reply;
    return {
      token: typeof token === 'string' && token.length > 0 ? token : undefined,
      expiresIn: typeof expiresIn === 'string' ? Number(expiresIn) : undefined,
      remainingMs: typeof pttl === 'number' ? pttl : -2,
      locked: locked === 1,
      error: parseCachedError(error),
    };
  }

  /** Takes the fetch lock (`SET NX PX`); returns the owner id, or undefined if held. */
  async tryLock(keys: TokenKeys, ttlMs: number): Promise<string | undefined> {
    const owner = randomUUID();
    const ok = await this.redis.set(keys.lock, owner, 'PX', ttlMs, 'NX');
    return ok === 'OK' ? owner : undefined;
  }

  /** Releases the lock if `owner` still holds it. */
  async unlock(keys: TokenKeys, owner: string): Promise<void> {
    await COMPARE_AND_DELETE.run(this.redis, [keys.lock], [owner]);
  }

  /** Stores a token (see the STORE script for the fencing rule); true when stored. */
  async store(
    keys: TokenKeys,
    token: string,
    expiresIn: number,
    ttlMs: number,
    owner: string,
  ): Promise<boolean> {
    const args = [token, expiresIn, Math.max(1, Math.floor(ttlMs)), Date.now(), owner];
    const stored = await STORE.run(this.redis, [keys.token, keys.lock, keys.error], args);
    return stored === 1;
  }

  /** Caches a token-endpoint error for `ttlMs`. */
  async cacheError(keys: TokenKeys, error: CachedTokenError, ttlMs: number): Promise<void> {
    await this.redis.set(keys.error, JSON.stringify(error), 'PX', Math.max(1, Math.floor(ttlMs)));
  }

  /** Deletes the cached token if it is still `failedToken`; true when deleted. */
  async invalidate(keys: TokenKeys, failedToken: string): Promise<boolean> {
    return (await INVALIDATE.run(this.redis, [keys.token], [failedToken])) === 1;
  }
}
