import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  secretRedactor,
  type Keyspace,
  type Logger,
  type WeChatAppCredentials,
} from '@wechat-dispatch/shared';
import { isWeChatError } from '../errors/is-wechat-error';
import { WeChatApiError } from '../errors/wechat-api-error';
import { CLASSIC_TOKEN_PATH, STABLE_TOKEN_PATH, type AccessTokenResult } from '../endpoints/token';
import type { WeChatClient } from '../wechat-client';
import {
  resolveTunables,
  type AccessTokenHooks,
  type AccessTokenServiceOptions,
  type AccessTokenTunables,
  type TokenFetchOutcome,
  type TokenMode,
} from './access-token-options';
import {
  replayCachedError,
  toCachedError,
  tokenWaitTimeout,
  UnknownAppError,
} from './token-errors';
import { tokenKeys, type TokenKeys } from './token-keys';
import { TokenStore, type TokenPeek } from './token-store';

/** A token-endpoint configuration error currently seen for an app. */
export interface TokenConfigError {
  errcode: number;
  errmsg: string;
  /** When it was seen, epoch ms. */
  at: number;
}

/** The part of {@link AccessTokenService} that {@link sendWithToken} and fakes need. */
export interface AccessTokenProvider {
  get(appId: string): Promise<string>;
  invalidate(appId: string, failedToken: string): Promise<boolean>;
}

interface App {
  readonly appId: string;
  readonly appSecret: string;
  readonly keys: TokenKeys;
  /** Fingerprint of the credentials, so a cached error only applies to the same secret. */
  readonly fp: string;
}

type Freshness = 'fresh' | 'stale' | 'cold';

/**
 * Access tokens for every configured app, cached in Redis and shared by all processes
 * (the "central token server" WeChat recommends, without a separate server).
 *
 * - A token is cached with PX at its real expiry (`expires_in` as WeChat said it) and
 *   refreshed ahead: once less than min(5 min, expires_in/4) is left, callers still get it
 *   while one process fetches the next.
 * - One fetch per app at a time: an in-process promise per app plus a Redis lock
 *   (`SET NX PX`, released by compare-and-delete); other callers poll the cache, bounded.
 * - Non-transient token-endpoint errors are cached briefly so a wrong secret cannot turn into
 *   a fetch loop that spends the daily quota.
 */
export class AccessTokenService implements AccessTokenProvider {
  /** The token endpoint in use. */
  readonly mode: TokenMode;
  private readonly store: TokenStore;
  private readonly apps = new Map<string, App>();
  private readonly tunables: AccessTokenTunables;
  private readonly client: WeChatClient;
  private readonly logger: Logger;
  private readonly hooks: AccessTokenHooks;
  private readonly flights = new Map<string, Promise<string>>();
  private readonly refreshing = new Set<string>();
  private readonly configErrorsByApp = new Map<string, TokenConfigError>();

  constructor(options: AccessTokenServiceOptions) {
    this.mode = options.mode ?? 'stable';
    this.store = new TokenStore(options.redis);
    this.tunables = resolveTunables(options);
    this.client = options.client;
    this.logger = options.logger;
    this.hooks = options.hooks ?? {};
    for (const app of options.apps) {
      this.apps.set(app.appId, this.describe(options.keyspace, app));
    }
  }

  /**
   * A valid access token for the app: the cached one, or one fetched now.
   * @throws {@link WeChatApiError} class `config` (or `rate_*`) while the token endpoint
   *   rejects the app, including from the negative cache without calling WeChat.
   * @throws {@link WeChatTransportError} when the token endpoint fails transiently or no
   *   token arrived within `waitTimeoutMs`.
   * @throws {@link UnknownAppError} for an app not in `apps`.
   */
  async get(appId: string): Promise<string> {
    const app = this.app(appId);
    const peek = await this.store.peek(app.keys);
    const freshness = this.freshness(peek);
    if (peek.token !== undefined && freshness !== 'cold') {
      this.configErrorsByApp.delete(appId);
      if (freshness === 'stale') {
        this.refreshInBackground(app);
      }
      return peek.token;
    }
    return this.singleFlight(app);
  }

  /**
   * Drops the cached token only if it is still `failedToken` (Lua compare-and-delete), after
   * WeChat rejected it. A newer token a peer cached meanwhile survives.
   * @returns true when this call removed the token.
   */
  async invalidate(appId: string, failedToken: string): Promise<boolean> {
    const app = this.app(appId);
    const removed = await this.store.invalidate(app.keys, failedToken);
    this.logger.info('access token invalidated after rejection', {
      appId,
      mode: this.mode,
      removed,
    });
    return removed;
  }

  /** Apps whose token endpoint currently answers a configuration error, for `/readyz`. */
  configErrors(): Map<string, TokenConfigError> {
    return new Map(this.configErrorsByApp);
  }

  private describe(keyspace: Keyspace, app: WeChatAppCredentials): App {
    secretRedactor.registerSecret(app.appSecret);
    const fp = createHash('sha256')
      .update(`${app.appId}\u0000${app.appSecret}`)
      .digest('hex')
      .slice(0, 16);
    return { ...app, keys: tokenKeys(keyspace, this.mode, app.appId), fp };
  }

  private app(appId: string): App {
    const app = this.apps.get(appId);
    if (!app) {
      throw new UnknownAppError(appId);
    }
    return app;
  }

  private get endpoint(): { path: string; method: string } {
    return this.mode === 'stable'
      ? { path: STABLE_TOKEN_PATH, method: 'POST' }
      : { path: CLASSIC_TOKEN_PATH, method: 'GET' };
  }

  private freshness(peek: TokenPeek): Freshness {
    if (peek.token === undefined || peek.remainingMs <= 0) {
      return 'cold';
    }
    const lifeMs = (peek.expiresIn ?? 0) * 1000;
    const margin = Math.min(
      this.tunables.refreshMarginMaxMs,
      lifeMs * this.tunables.refreshMarginRatio,
    );
    if (peek.remainingMs > margin) {
      return 'fresh';
    }
    // Capped at half the margin so a short-lived token (a sandbox's) is ever usable at all.
    return peek.remainingMs > Math.min(this.tunables.minRemainingMs, margin / 2) ? 'stale' : 'cold';
  }

  private singleFlight(app: App): Promise<string> {
    const running = this.flights.get(app.appId);
    if (running) {
      return running;
    }
    const flight = this.acquire(app).finally(() => this.flights.delete(app.appId));
    this.flights.set(app.appId, flight);
    return flight;
  }

  /** Waits for a usable token: from a peer, or by taking the lock and fetching it. */
  private async acquire(app: App): Promise<string> {
    const deadline = Date.now() + this.tunables.waitTimeoutMs;
    for (;;) {
      const peek = await this.store.peek(app.keys);
      if (peek.token !== undefined && this.freshness(peek) !== 'cold') {
        return peek.token;
      }
      this.throwCachedError(app, peek);
      if (!peek.locked) {
        const owner = await this.store.tryLock(app.keys, this.tunables.lockTtlMs);
        if (owner !== undefined) {
          return this.fetchUnderLock(app, owner, true);
        }
      }
      if (Date.now() >= deadline) {
        const { path, method } = this.endpoint;
        throw tokenWaitTimeout(path, method, this.tunables.waitTimeoutMs);
      }
      await sleep(this.tunables.pollIntervalMs);
    }
  }

  /** Refreshes a stale token while callers keep using it; only if no peer is at it. */
  private refreshInBackground(app: App): void {
    if (this.refreshing.has(app.appId) || this.flights.has(app.appId)) {
      return;
    }
    this.refreshing.add(app.appId);
    const run = async (): Promise<void> => {
      const owner = await this.store.tryLock(app.keys, this.tunables.lockTtlMs);
      if (owner !== undefined) {
        await this.fetchUnderLock(app, owner, false);
      }
    };
    run()
      .catch((err: unknown) => {
        this.logger.warn('background access token refresh failed', { appId: app.appId, err });
      })
      .finally(() => this.refreshing.delete(app.appId));
  }

  /** Holding the lock: re-check the cache (a peer may just have written), then fetch. */
  private async fetchUnderLock(app: App, owner: string, cold: boolean): Promise<string> {
    try {
      const peek = await this.store.peek(app.keys);
      const freshness = this.freshness(peek);
      if (peek.token !== undefined && (freshness === 'fresh' || (cold && freshness === 'stale'))) {
        return peek.token;
      }
      this.throwCachedError(app, peek);
      return await this.fetch(app, owner);
    } finally {
      await this.store.unlock(app.keys, owner);
    }
  }

  private async fetch(app: App, owner: string): Promise<string> {
    const started = Date.now();
    let result: AccessTokenResult;
    try {
      result =
        this.mode === 'stable'
          ? await this.client.getStableToken(app.appId, app.appSecret, false)
          : await this.client.getClassicToken(app.appId, app.appSecret);
    } catch (err: unknown) {
      await this.onFetchError(app, err);
      throw err;
    }
    secretRedactor.registerSecret(result.accessToken);
    this.emit(app.appId, 'ok');
    // Count the round trip against the lifetime: WeChat started the clock before we got it.
    const ttlMs = result.expiresIn * 1000 - (Date.now() - started);
    const stored = await this.store.store(
      app.keys,
      result.accessToken,
      result.expiresIn,
      ttlMs,
      owner,
    );
    this.configErrorsByApp.delete(app.appId);
    this.logger.info('access token fetched', {
      appId: app.appId,
      mode: this.mode,
      expiresIn: result.expiresIn,
      durationMs: Date.now() - started,
      stored,
    });
    return result.accessToken;
  }

  private async onFetchError(app: App, err: unknown): Promise<void> {
    if (!isWeChatError(err)) {
      this.emit(app.appId, 'error');
      return;
    }
    const transient = err.errorClass === 'transient';
    const ttl = transient ? this.tunables.transientNegativeTtlMs : this.tunables.negativeTtlMs;
    if (ttl > 0) {
      await this.store.cacheError(app.keys, toCachedError(err, app.fp), ttl);
    }
    const meta = {
      appId: app.appId,
      mode: this.mode,
      errcode: err.errcode,
      errorClass: err.errorClass,
    };
    if (err.errorClass === 'config') {
      this.emit(app.appId, 'config_error');
      this.noteConfigError(app.appId, err.errcode, err.errmsg);
      this.logger.error('access token endpoint rejected the app configuration', { ...meta, err });
    } else {
      this.emit(app.appId, 'error');
      this.logger.warn('access token fetch failed', { ...meta, err });
    }
  }

  private throwCachedError(app: App, peek: TokenPeek): void {
    const cached = peek.error;
    if (cached === undefined || cached.fp !== app.fp) {
      return;
    }
    const { path, method } = this.endpoint;
    const err = replayCachedError(cached, path, method);
    if (err instanceof WeChatApiError && err.errorClass === 'config') {
      this.noteConfigError(app.appId, err.errcode, err.errmsg, cached.at);
    }
    throw err;
  }

  private noteConfigError(appId: string, errcode: number, errmsg: string, at = Date.now()): void {
    this.configErrorsByApp.set(appId, { errcode, errmsg, at });
  }

  private emit(appId: string, outcome: TokenFetchOutcome): void {
    try {
      this.hooks.onFetch?.(appId, outcome);
    } catch {
      // Metrics must never break token delivery.
    }
  }
}
