import { secretRedactor, type Logger } from '@wechat-dispatch/shared';
import type { AccessTokenResult } from '../endpoints/token';
import { isWeChatError } from '../errors/is-wechat-error';
import type { WeChatClient } from '../wechat-client';
import type {
  AccessTokenHooks,
  AccessTokenTunables,
  TokenFetchOutcome,
  TokenGrant,
  TokenMode,
} from './access-token-options';
import type { ConfigErrorBoard } from './config-error-board';
import { toCachedError } from './token-errors';
import type { TokenKeys } from './token-keys';
import type { TokenStore } from './token-store';

/** One configured app as the token service sees it. */
export interface TokenApp {
  readonly appId: string;
  readonly appSecret: string;
  readonly keys: TokenKeys;
  /** The token endpoint used for this app (a grant's family for Open Platform tokens). */
  readonly mode: TokenMode | TokenGrant['family'];
  /** How the token is fetched when not with the AppSecret. */
  readonly grant?: TokenGrant;
  /** Fingerprint of the credentials, so a cached error only applies to the same secret. */
  readonly fp: string;
}

/** What {@link TokenFetcher} needs. */
export interface TokenFetcherDeps {
  client: WeChatClient;
  store: TokenStore;
  tunables: AccessTokenTunables;
  logger: Logger;
  hooks: AccessTokenHooks;
  board: ConfigErrorBoard;
}

/**
 * The one place that calls a WeChat token endpoint, for a caller that holds the app's lock:
 * fetches, caches the token (or the error, as a negative cache), reports metrics and logs.
 */
export class TokenFetcher {
  constructor(private readonly deps: TokenFetcherDeps) {}

  /** Fetches and caches a token; throws the endpoint's error after caching it. */
  async fetch(app: TokenApp, owner: string): Promise<string> {
    const { client, store, logger } = this.deps;
    const { mode } = app;
    const started = Date.now();
    let result: AccessTokenResult;
    try {
      // force_refresh stays false: a forced refresh has a budget of 20 a day and would
      // invalidate the token every peer holds.
      result = app.grant
        ? await app.grant.fetch()
        : mode === 'stable'
          ? await client.getStableToken(app.appId, app.appSecret, false)
          : await client.getClassicToken(app.appId, app.appSecret);
    } catch (err: unknown) {
      await this.recordError(app, err);
      throw err;
    }
    secretRedactor.registerRollingSecret(result.accessToken);
    this.emit(app.appId, 'ok');
    this.deps.board.clear(app.appId);
    // Count the round trip against the lifetime: WeChat started the clock before we got it.
    const ttlMs = result.expiresIn * 1000 - (Date.now() - started);
    let stored: boolean | 'failed' = 'failed';
    try {
      stored = await store.store(app.keys, result.accessToken, result.expiresIn, ttlMs, owner);
    } catch (err: unknown) {
      // The token is valid; callers can use it even if Redis failed to keep it.
      logger.warn('access token fetched but not cached', { appId: app.appId, mode, err });
    }
    logger.info('access token fetched', {
      appId: app.appId,
      mode,
      expiresIn: result.expiresIn,
      durationMs: Date.now() - started,
      stored,
    });
    return result.accessToken;
  }

  private async recordError(app: TokenApp, err: unknown): Promise<void> {
    const { tunables, store, logger } = this.deps;
    const { mode } = app;
    if (!isWeChatError(err)) {
      this.emit(app.appId, 'error');
      logger.warn('access token fetch failed', { appId: app.appId, mode, err });
      return;
    }
    const transient = err.errorClass === 'transient';
    const ttl = transient ? tunables.transientNegativeTtlMs : tunables.negativeTtlMs;
    if (ttl > 0) {
      try {
        await store.cacheError(app.keys, toCachedError(err, app.fp), ttl);
      } catch (cacheErr: unknown) {
        logger.warn('token endpoint error not cached', { appId: app.appId, err: cacheErr });
      }
    }
    const meta = { appId: app.appId, mode, errcode: err.errcode, errorClass: err.errorClass, err };
    if (err.errorClass === 'config') {
      this.emit(app.appId, 'config_error');
      this.deps.board.note(app.appId, { errcode: err.errcode, errmsg: err.errmsg, at: Date.now() });
      logger.error('access token endpoint rejected the app configuration', meta);
    } else {
      this.emit(app.appId, 'error');
      logger.warn('access token fetch failed', meta);
    }
  }

  private emit(appId: string, outcome: TokenFetchOutcome): void {
    try {
      this.deps.hooks.onFetch?.(appId, outcome);
    } catch {
      // Metrics must never break token delivery.
    }
  }
}
