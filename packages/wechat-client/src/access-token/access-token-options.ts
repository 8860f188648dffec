import type { Keyspace, Logger, WeChatAppCredentials, RedisClient } from '@wechat-dispatch/shared';
import type { AccessTokenResult } from '../endpoints/token';
import type { WeChatClient } from '../wechat-client';

/**
 * Which token endpoint to use.
 * - `stable` (default): `POST /cgi-bin/stable_token` with `force_refresh=false`; every caller
 *   gets the same token, so peers and other systems sharing the appid never kick each other out.
 * - `classic`: `GET /cgi-bin/token`; each fetch replaces the previous token (5 min overlap).
 */
export type TokenMode = 'stable' | 'classic';

/**
 * A token obtained otherwise than with an AppSecret: the Open Platform's component_access_token
 * and authorizer_access_token. The service still caches, locks and single-flights it; only the
 * fetch differs.
 */
export interface TokenGrant {
  /** Its tokens are cached under `{prefix}:token:<family>:<appId>`. */
  readonly family: 'component' | 'authorizer';
  /** The endpoint named in errors replayed from the negative cache. */
  readonly endpoint: { path: string; method: string };
  /** Changes when the credentials behind it change, so a cached error no longer applies. */
  readonly fingerprint: string;
  /** Calls WeChat (holding the app's lock) and returns the token. */
  fetch(): Promise<AccessTokenResult>;
}

/** What a token fetch ended as, for metrics. */
export type TokenFetchOutcome = 'ok' | 'error' | 'config_error';

/** Callbacks for metrics; a hook that throws is ignored. */
export interface AccessTokenHooks {
  /** Called once per call to a WeChat token endpoint. */
  onFetch?(appId: string, outcome: TokenFetchOutcome): void;
}

/**
 * Where the token service reads each app's secret and token mode at the moment it needs them
 * (the app registry's credentials), so a new app works at once and a rotated secret is used by
 * the next fetch.
 */
export interface TokenCredentialSource {
  /** The app's current AppSecret; undefined = not an app of this service. */
  secretOf(appId: string): string | undefined;
  /** The app's own token mode; undefined = the service's `mode`. */
  tokenModeOf?(appId: string): TokenMode | undefined;
  /** How to fetch the app's token when it has no AppSecret (checked before `secretOf`). */
  grantOf?(appId: string): TokenGrant | undefined;
}

/** Options of {@link AccessTokenService}. */
export interface AccessTokenServiceOptions {
  /**
   * An ioredis connection of its own (the `client` profile), already connecting or ready. The
   * token scripts are defined on it as commands (`wxd_*` names, beside any of its owner's).
   */
  redis: RedisClient;
  /** Every key goes under it, so all share one Redis Cluster hash tag. */
  keyspace: Keyspace;
  client: WeChatClient;
  /**
   * The apps this service may fetch tokens for: a fixed list, or a source read at each use.
   * Their secrets are registered for redaction.
   */
  apps: WeChatAppCredentials[] | TokenCredentialSource;
  /** @defaultValue 'stable' */
  mode?: TokenMode;
  logger: Logger;
  hooks?: AccessTokenHooks;
  /**
   * Upper bound of the refresh-ahead margin, in ms: a token is refreshed once less than
   * min(this, expires_in × {@link refreshMarginRatio}) is left. @defaultValue 300000 (5 min,
   * WeChat's old/new overlap)
   */
  refreshMarginMaxMs?: number;
  /** Share of `expires_in` used as margin when that is shorter. @defaultValue 0.25 */
  refreshMarginRatio?: number;
  /**
   * A cached token with less life left than this (capped at half the margin) is not handed
   * out; callers wait for a fresh one instead. @defaultValue 5000
   */
  minRemainingMs?: number;
  /**
   * PX of the cross-process fetch lock, in ms; a holder that dies blocks fetches this long.
   * Keep it above the client timeout. @defaultValue max(10000, client.timeoutMs + 5000)
   */
  lockTtlMs?: number;
  /** How long a caller waits for a peer's fetch before a transient error, in ms. @defaultValue 5000 */
  waitTimeoutMs?: number;
  /**
   * How soon a waiting caller first re-reads the cache, in ms; each later read waits twice as
   * long, up to {@link POLL_BACKOFF_MAX}× this, so a slow WeChat answer costs each waiter a
   * dozen reads, not one every 25 ms. @defaultValue 25
   */
  pollIntervalMs?: number;
  /**
   * How long a non-transient token-endpoint error (bad secret, IP whitelist, quota) is cached;
   * meanwhile `get()` throws it without calling WeChat. @defaultValue 30000
   */
  negativeTtlMs?: number;
  /** Same for transient errors (-1, timeouts); 0 disables. @defaultValue 1000 */
  transientNegativeTtlMs?: number;
}

/** How many times `pollIntervalMs` a waiter's re-reads grow to at most. */
export const POLL_BACKOFF_MAX = 8;

/** The numeric tunables with defaults applied. */
export interface AccessTokenTunables {
  refreshMarginMaxMs: number;
  refreshMarginRatio: number;
  minRemainingMs: number;
  lockTtlMs: number;
  waitTimeoutMs: number;
  pollIntervalMs: number;
  negativeTtlMs: number;
  transientNegativeTtlMs: number;
}

/** Applies the documented defaults. */
export function resolveTunables(options: AccessTokenServiceOptions): AccessTokenTunables {
  const clientTimeout = Number.isFinite(options.client.timeoutMs) ? options.client.timeoutMs : 0;
  return {
    refreshMarginMaxMs: options.refreshMarginMaxMs ?? 300_000,
    refreshMarginRatio: options.refreshMarginRatio ?? 0.25,
    minRemainingMs: options.minRemainingMs ?? 5_000,
    lockTtlMs: options.lockTtlMs ?? Math.max(10_000, clientTimeout + 5_000),
    waitTimeoutMs: options.waitTimeoutMs ?? 5_000,
    pollIntervalMs: options.pollIntervalMs ?? 25,
    negativeTtlMs: options.negativeTtlMs ?? 30_000,
    transientNegativeTtlMs: options.transientNegativeTtlMs ?? 1_000,
  };
}
