import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { bindScript, luaScript, type BoundScript, type RedisClient } from '@wechat-dispatch/shared';
import type { TokenKeys } from './token-keys';

const PEEK = luaScript(join(__dirname, 'peek-token.lua'));
const STORE = luaScript(join(__dirname, 'store-token.lua'));
const RELEASE_LOCK = luaScript(join(__dirname, 'release-lock.lua'));
const INVALIDATE = luaScript(join(__dirname, 'invalidate-token.lua'));

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

/**
 * Redis operations on the apps' token keys; every multi-key step is one Lua script. The scripts
 * are registered on `redis` as commands (ioredis `defineCommand`, named `wxd_<script>_<hash>`,
 * see the shared scripts loader): on a connection lent by its owner they sit beside the owner's
 * own commands and never replace one.
 */
export class TokenStore {
  private readonly peekScript: BoundScript;
  private readonly storeScript: BoundScript;
  private readonly releaseScript: BoundScript;
  private readonly invalidateScript: BoundScript;

  constructor(private readonly redis: RedisClient) {
    this.peekScript = bindScript(redis, PEEK);
    this.storeScript = bindScript(redis, STORE);
    this.releaseScript = bindScript(redis, RELEASE_LOCK);
    this.invalidateScript = bindScript(redis, INVALIDATE);
  }

  /** Reads token, remaining life, lock and cached error in one round trip. */
  async peek(keys: TokenKeys): Promise<TokenPeek> {
    const reply = (await this.peekScript.run([keys.token, keys.lock, keys.error], [])) as unknown[];
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
    await this.releaseScript.run([keys.lock], [owner]);
  }

  /** Stores a token (see store-token.lua for the fencing rule); true when stored. */
  async store(
    keys: TokenKeys,
    token: string,
    expiresIn: number,
    ttlMs: number,
    owner: string,
  ): Promise<boolean> {
    const args = [token, expiresIn, Math.max(1, Math.floor(ttlMs)), Date.now(), owner];
    const stored = await this.storeScript.run([keys.token, keys.lock, keys.error], args);
    return stored === 1;
  }

  /** Caches a token-endpoint error for `ttlMs`. */
  async cacheError(keys: TokenKeys, error: CachedTokenError, ttlMs: number): Promise<void> {
    await this.redis.set(keys.error, JSON.stringify(error), 'PX', Math.max(1, Math.floor(ttlMs)));
  }

  /** Deletes the cached token if it is still `failedToken`; true when deleted. */
  async invalidate(keys: TokenKeys, failedToken: string): Promise<boolean> {
    return (await this.invalidateScript.run([keys.token], [failedToken])) === 1;
  }
}
