import { randomBytes } from 'node:crypto';
import { DailyCounter } from './daily-counter';
import type { SandboxSettings } from '../settings';

/** Which token family a token belongs to; the two are isolated, as on WeChat. */
export type TokenKind = 'classic' | 'stable';

/** One issued access_token. */
export interface TokenRecord {
  readonly token: string;
  readonly appid: string;
  readonly kind: TokenKind;
  readonly issuedAt: number;
  readonly expiresAt: number;
  /** Instant after which the token answers 40001 because a newer one replaced it. */
  revokedAt?: number;
}

/** Result of checking a token presented to a send route. */
export type TokenCheck =
  { ok: true; appid: string } | { ok: false; errcode: 40001 | 42001; appid?: string };

/** Result of a stable-token request. */
export type StableTokenResult =
  { ok: true; record: TokenRecord; expiresInS: number } | { ok: false; errcode: 45009 };

/** Tokens kept per app and family; older ones are forgotten and then answer 40001. */
const HISTORY_PER_APP = 8;

/**
 * Issues and checks access tokens with WeChat's lifetimes: a classic fetch replaces the previous
 * token after an overlap, a stable token is shared until it rotates near expiry, and a forced
 * stable refresh revokes the old token at once.
 */
export class TokenRegistry {
  private readonly byToken = new Map<string, TokenRecord>();
  private readonly history = new Map<string, TokenRecord[]>();
  private readonly forceCounts: DailyCounter;
  private readonly lastForceAt = new Map<string, number>();

  /**
   * @param now - the sandbox clock, epoch milliseconds
   * @param settings - live settings; TTL and overlap are read on every call
   */
  constructor(
    private readonly now: () => number,
    private readonly settings: SandboxSettings,
  ) {
    this.forceCounts = new DailyCounter(now);
  }

  /** `GET /cgi-bin/token`: a new token; the previous one stays valid for the overlap only. */
  issueClassic(appid: string): TokenRecord {
    const now = this.now();
    const list = this.list(appid, 'classic');
    const previous = list.at(-1);
    // Only the latest predecessor gets the overlap; anything older dies now, as on WeChat.
    for (const rec of list) {
      if (rec.revokedAt === undefined || rec.revokedAt > now) {
        rec.revokedAt = now;
      }
    }
    if (previous) {
      previous.revokedAt = now + this.settings.tokenOverlapS * 1000;
    }
    return this.add(appid, 'classic', now);
  }

  /** `POST /cgi-bin/stable_token`. */
  getStable(appid: string, forceRefresh: boolean): StableTokenResult {
    const now = this.now();
    const current = this.list(appid, 'stable').at(-1);
    const ttlMs = this.settings.tokenTtlS * 1000;
    const leadMs = Math.min(this.settings.tokenOverlapS * 1000, ttlMs / 2);
    const usable =
      current !== undefined && current.revokedAt === undefined && now < current.expiresAt - leadMs;

    if (forceRefresh) {
      const last = this.lastForceAt.get(appid);
      const tooSoon = last !== undefined && now - last < this.settings.forceRefreshMinGapS * 1000;
      if (!tooSoon) {
        if (this.forceCounts.get(appid) >= this.settings.forceRefreshDailyLimit) {
          return { ok: false, errcode: 45009 };
        }
        this.forceCounts.increment(appid);
        this.lastForceAt.set(appid, now);
        if (current) {
          current.revokedAt = now;
        }
        return this.stableResult(this.add(appid, 'stable', now), now);
      }
      // Within the gap WeChat silently skips the refresh and behaves like normal mode.
    }
    if (usable) {
      return this.stableResult(current, now);
    }
    // Rotation: the old token simply runs to its own expiry, which gives the overlap.
    return this.stableResult(this.add(appid, 'stable', now), now);
  }

  /** Checks a token presented to a send route. */
  check(token: string): TokenCheck {
    const rec = this.byToken.get(token);
    if (!rec) {
      return { ok: false, errcode: 40001 };
    }
    const now = this.now();
    if (rec.revokedAt !== undefined && now >= rec.revokedAt && rec.revokedAt < rec.expiresAt) {
      return { ok: false, errcode: 40001, appid: rec.appid };
    }
    if (now >= rec.expiresAt) {
      return { ok: false, errcode: 42001, appid: rec.appid };
    }
    return { ok: true, appid: rec.appid };
  }

  /** The app a token was issued to, valid or not; undefined for unknown tokens. */
  appOf(token: string): string | undefined {
    return this.byToken.get(token)?.appid;
  }

  /** Forgets every token and force-refresh counter. */
  clear(): void {
    this.byToken.clear();
    this.history.clear();
    this.forceCounts.clear();
    this.lastForceAt.clear();
  }

  private stableResult(record: TokenRecord, now: number): StableTokenResult {
    return {
      ok: true,
      record,
      expiresInS: Math.max(0, Math.floor((record.expiresAt - now) / 1000)),
    };
  }

  private list(appid: string, kind: TokenKind): TokenRecord[] {
    const key = `${kind}:${appid}`;
    let list = this.history.get(key);
    if (!list) {
      list = [];
      this.history.set(key, list);
    }
    return list;
  }

  private add(appid: string, kind: TokenKind, now: number): TokenRecord {
    const record: TokenRecord = {
      // Real tokens are ~136 opaque characters; a long token catches columns that are too short.
      token: randomBytes(102).toString('base64url'),
      appid,
      kind,
      issuedAt: now,
      expiresAt: now + this.settings.tokenTtlS * 1000,
    };
    const list = this.list(appid, kind);
    list.push(record);
    this.byToken.set(record.token, record);
    while (list.length > HISTORY_PER_APP) {
      const dropped = list.shift();
      if (dropped) {
        this.byToken.delete(dropped.token);
      }
    }
    return record;
  }
}
