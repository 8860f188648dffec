import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  secretRedactor,
  type Keyspace,
  type Logger,
  type WeChatAppCredentials,
} from '@wechat-dispatch/shared';
import { CLASSIC_TOKEN_PATH, STABLE_TOKEN_PATH } from '../endpoints/token';
import { WeChatApiError } from '../errors/wechat-api-error';
import {
  POLL_BACKOFF_MAX,
  resolveTunables,
  type AccessTokenServiceOptions,
  type AccessTokenTunables,
  type TokenCredentialSource,
  type TokenGrant,
  type TokenMode,
} from './access-token-options';
import { ConfigErrorBoard, type TokenConfigError } from './config-error-board';
import { freshness } from './freshness';
import { replayCachedError, tokenWaitTimeout, UnknownAppError } from './token-errors';
import { TokenFetcher, type TokenApp } from './token-fetcher';
import { tokenKeys } from './token-keys';
import { TokenStore, type TokenPeek } from './token-store';

/** The part of {@link AccessTokenService} that {@link sendWithToken} and fakes need. */
export interface AccessTokenProvider {
  get(appId: string): Promise<string>;
  invalidate(appId: string, failedToken: string): Promise<boolean>;
}

/**
 * Access tokens for every configured app, cached in Redis and shared by all processes
 * (the "central token server" WeChat recommends, without a separate server).
 *
 * - A token is cached with PX at its real expiry (`expires_in` as WeChat said it) and
 *   refreshed ahead: once less than min(5 min, expires_in/4) is left, callers still get it
 *   while one process fetches the next in the background.
 * - One fetch per app at a time: an in-process promise per app plus a Redis lock
 *   (`SET NX PX`, released by compare-and-delete); other callers poll the cache, bounded.
 * - Token-endpoint errors are cached briefly (negative cache) so a wrong secret cannot turn
 *   into a fetch loop that spends the daily quota.
 *
 * Redis errors (connection lost) propagate as ioredis errors: without the shared cache the
 * service will not fetch on its own, since that is how processes kick each other's tokens out.
 */
export class AccessTokenService implements AccessTokenProvider {
  /** The token endpoint of apps that do not name their own. */
  readonly mode: TokenMode;
  private readonly store: TokenStore;
  private readonly keyspace: Keyspace;
  private readonly source: TokenCredentialSource;
  /** Each app as last described, rebuilt when its secret or mode changes. */
  private readonly apps = new Map<string, TokenApp>();
  private readonly tunables: AccessTokenTunables;
  private readonly logger: Logger;
  private readonly board = new ConfigErrorBoard();
  private readonly fetcher: TokenFetcher;
  private readonly flights = new Map<string, Promise<string>>();
  private readonly refreshing = new Set<string>();

  constructor(options: AccessTokenServiceOptions) {
    this.mode = options.mode ?? 'stable';
    this.store = new TokenStore(options.redis);
    this.keyspace = options.keyspace;
    this.source = Array.isArray(options.apps) ? fixedSource(options.apps) : options.apps;
    this.tunables = resolveTunables(options);
    this.logger = options.logger;
    this.fetcher = new TokenFetcher({
      client: options.client,
      store: this.store,
      tunables: this.tunables,
      logger: options.logger,
      hooks: options.hooks ?? {},
      board: this.board,
    });
    if (Array.isArray(options.apps)) {
      options.apps.forEach((app) => this.app(app.appId));
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
    const state = this.freshness(peek);
    if (peek.token !== undefined && state !== 'cold') {
      // While a refresh is being refused, keep serving the still-valid token but neither
      // retry on every call nor hide the error from /readyz.
      if (!this.cachedErrorApplies(app, peek)) {
        this.board.clear(appId);
        if (state === 'stale') {
          this.refreshInBackground(app);
        }
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
    const meta = { appId, mode: app.mode, removed };
    if (removed) {
      this.logger.info('access token invalidated after rejection', meta);
    } else {
      this.logger.debug('access token already replaced', meta);
    }
    return removed;
  }

  /** Apps whose token endpoint currently answers a configuration error, for `/readyz`. */
  configErrors(): Map<string, TokenConfigError> {
    return this.board.snapshot();
  }

  private describe(appId: string, appSecret: string, mode: TokenMode): TokenApp {
    secretRedactor.registerSecret(appSecret);
    const fp = createHash('sha256').update(`${appId}\u0000${appSecret}`).digest('hex').slice(0, 16);
    return { appId, appSecret, mode, keys: tokenKeys(this.keyspace, mode, appId), fp };
  }

  /**
   * The app as its credentials say now. A changed secret means a new fingerprint (errors cached
   * for the old one no longer apply) and clears the app's configuration error.
   */
  private app(appId: string): TokenApp {
    const grant = this.source.grantOf?.(appId);
    if (grant !== undefined) {
      return this.granted(appId, grant);
    }
    const secret = this.source.secretOf(appId);
    if (secret === undefined) {
      this.apps.delete(appId);
      throw new UnknownAppError(appId);
    }
    const mode = this.source.tokenModeOf?.(appId) ?? this.mode;
    const known = this.apps.get(appId);
    if (known?.appSecret === secret && known.mode === mode) {
      return known;
    }
    if (known !== undefined) {
      this.board.clear(appId);
    }
    const app = this.describe(appId, secret, mode);
    this.apps.set(appId, app);
    return app;
  }

  /** An app whose token comes from a grant; rebuilt when the grant's fingerprint changes. */
  private granted(appId: string, grant: TokenGrant): TokenApp {
    const known = this.apps.get(appId);
    if (known?.grant !== undefined && known.fp === grant.fingerprint) {
      return { ...known, grant };
    }
    if (known !== undefined) {
      this.board.clear(appId);
    }
    const app: TokenApp = {
      appId,
      appSecret: '',
      mode: grant.family,
      grant,
      keys: tokenKeys(this.keyspace, grant.family, appId),
      fp: grant.fingerprint,
    };
    this.apps.set(appId, app);
    return app;
  }

  private freshness(peek: TokenPeek): ReturnType<typeof freshness> {
    return peek.token === undefined
      ? 'cold'
      : freshness(peek.remainingMs, peek.expiresIn, this.tunables);
  }

  private singleFlight(app: TokenApp): Promise<string> {
    const running = this.flights.get(app.appId);
    if (running) {
      return running;
    }
    const flight = this.acquire(app).finally(() => this.flights.delete(app.appId));
    this.flights.set(app.appId, flight);
    return flight;
  }

  /** Waits for a usable token: from a peer, or by taking the lock and fetching it. */
  private async acquire(app: TokenApp): Promise<string> {
    const deadline = Date.now() + this.tunables.waitTimeoutMs;
    const { pollIntervalMs } = this.tunables;
    let wait = pollIntervalMs;
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
        const { path, method } = endpointOf(app);
        throw tokenWaitTimeout(path, method, this.tunables.waitTimeoutMs);
      }
      await sleep(Math.min(wait, Math.max(1, deadline - Date.now())));
      wait = Math.min(2 * wait, POLL_BACKOFF_MAX * pollIntervalMs);
    }
  }

  /** Refreshes a stale token while callers keep using it; skipped if a peer holds the lock. */
  private refreshInBackground(app: TokenApp): void {
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
  private async fetchUnderLock(app: TokenApp, owner: string, cold: boolean): Promise<string> {
    try {
      const peek = await this.store.peek(app.keys);
      const state = this.freshness(peek);
      if (peek.token !== undefined && (state === 'fresh' || (cold && state === 'stale'))) {
        return peek.token;
      }
      this.throwCachedError(app, peek);
      return await this.fetcher.fetch(app, owner);
    } finally {
      await this.unlock(app, owner);
    }
  }

  private async unlock(app: TokenApp, owner: string): Promise<void> {
    try {
      await this.store.unlock(app.keys, owner);
    } catch (err: unknown) {
      // The lock's PX frees it anyway; the caller's own outcome matters more.
      this.logger.warn('access token lock not released', { appId: app.appId, err });
    }
  }

  private cachedErrorApplies(app: TokenApp, peek: TokenPeek): boolean {
    return peek.error !== undefined && peek.error.fp === app.fp;
  }

  private throwCachedError(app: TokenApp, peek: TokenPeek): void {
    const cached = peek.error;
    if (cached === undefined || cached.fp !== app.fp) {
      return;
    }
    const { path, method } = endpointOf(app);
    const err = replayCachedError(cached, path, method);
    if (err instanceof WeChatApiError && err.errorClass === 'config') {
      this.board.note(app.appId, { errcode: err.errcode, errmsg: err.errmsg, at: cached.at });
    }
    throw err;
  }
}

/** The token endpoint of an app, for errors replayed from the cache. */
function endpointOf(app: TokenApp): { path: string; method: string } {
  if (app.grant !== undefined) {
    return app.grant.endpoint;
  }
  return app.mode === 'stable'
    ? { path: STABLE_TOKEN_PATH, method: 'POST' }
    : { path: CLASSIC_TOKEN_PATH, method: 'GET' };
}

/** A fixed list of apps as a credential source. */
function fixedSource(apps: readonly WeChatAppCredentials[]): TokenCredentialSource {
  const secrets = new Map(apps.map((app) => [app.appId, app.appSecret]));
  return { secretOf: (appId) => secrets.get(appId) };
}
