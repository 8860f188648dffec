import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Every dispatch token starts so; anything else presented as `access_token` is an API key. */
export const DISPATCH_TOKEN_PREFIX = 'wxdt_';

/** How long a dispatch token lives, as WeChat's own tokens do. */
export const DISPATCH_TOKEN_TTL_S = 7200;

/** Length of a stable token's window: one issued in window w lives until the end of w + 1. */
const STABLE_WINDOW_S = DISPATCH_TOKEN_TTL_S / 2;

/** A dispatch token handed out, in WeChat's answer shape. */
export interface IssuedToken {
  access_token: string;
  expires_in: number;
}

/** What a presented dispatch token stands for, or WeChat's errcode for why it stands for nothing. */
export type TokenCheck =
  { ok: true; appId: string; caller: string } | { ok: false; errcode: 40001 | 42001 };

/** Options of {@link DispatchTokens}. */
export interface DispatchTokensOptions {
  /** The app's current AppSecret; undefined for an unknown app or one without a secret. */
  secretOf: (appId: string) => string | undefined;
  /** The caller name a token of the app acts as (`compat-<appId>` unless configured). */
  callerOf: (appId: string) => string;
  /** @defaultValue Date.now */
  now?: () => number;
}

interface Payload {
  /** The app. */
  a: string;
  /** Expiry, Unix seconds. */
  e: number;
  /** Nonce (base64url). */
  n: string;
}

const b64 = (value: Buffer | string) => Buffer.from(value).toString('base64url');

/**
 * Dispatch tokens: what `/cgi-bin/token` and `/cgi-bin/stable_token` hand a legacy caller in
 * place of a WeChat access token. A token names its app and expiry and is signed with a key
 * derived from the app's AppSecret, so it needs no storage, every API replica checks it alone,
 * and rotating the secret ends every token of the app. The real WeChat token never leaves the
 * service. A token acts as the app's compat caller, scoped to that app alone.
 */
export class DispatchTokens {
  private readonly now: () => number;

  constructor(private readonly options: DispatchTokensOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Whether `presented` has the shape of a dispatch token (otherwise it is an API key). */
  static isDispatchToken(presented: string): boolean {
    return presented.startsWith(DISPATCH_TOKEN_PREFIX);
  }

  /**
   * Whether `secret` is the app's AppSecret, compared in constant time over digests. An app
   * without a configured secret matches nothing.
   */
  secretMatches(appId: string, secret: string): boolean {
    const expected = this.options.secretOf(appId);
    if (!expected) {
      return false;
    }
    const digest = (value: string) => createHash('sha256').update(value).digest();
    return timingSafeEqual(digest(expected), digest(secret));
  }

  /**
   * A new token for the app (`/cgi-bin/token`, or `stable_token` with `force_refresh`), valid
   * for {@link DISPATCH_TOKEN_TTL_S}; earlier ones stay valid until their own expiry.
   */
  issue(appId: string): IssuedToken {
    const nowS = Math.floor(this.now() / 1000);
    return this.sign(appId, { a: appId, e: nowS + DISPATCH_TOKEN_TTL_S, n: b64(randomBytes(12)) });
  }

  /**
   * The app's stable token (`/cgi-bin/stable_token`): the same one for every caller within a
   * window, with between half and all of {@link DISPATCH_TOKEN_TTL_S} left.
   */
  issueStable(appId: string): IssuedToken {
    const nowS = Math.floor(this.now() / 1000);
    const window = Math.floor(nowS / STABLE_WINDOW_S);
    const nonce = this.mac(appId, `stable:${window}`).subarray(0, 12);
    return this.sign(appId, { a: appId, e: (window + 2) * STABLE_WINDOW_S, n: b64(nonce) });
  }

  /** What a presented dispatch token stands for: 40001 unknown or forged, 42001 expired. */
  check(presented: string): TokenCheck {
    const unknown = { ok: false, errcode: 40001 } as const;
    const [body, signature] = presented.slice(DISPATCH_TOKEN_PREFIX.length).split('.');
    if (!DispatchTokens.isDispatchToken(presented) || !body || !signature) {
      return unknown;
    }
    const payload = parsePayload(body);
    if (!payload || this.options.secretOf(payload.a) === undefined) {
      return unknown;
    }
    const expected = this.mac(payload.a, body);
    const given = Buffer.from(signature, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return unknown;
    }
    if (payload.e * 1000 <= this.now()) {
      return { ok: false, errcode: 42001 };
    }
    return { ok: true, appId: payload.a, caller: this.options.callerOf(payload.a) };
  }

  private sign(appId: string, payload: Payload): IssuedToken {
    const body = b64(JSON.stringify(payload));
    const signature = b64(this.mac(appId, body));
    return {
      access_token: `${DISPATCH_TOKEN_PREFIX}${body}.${signature}`,
      expires_in: payload.e - Math.floor(this.now() / 1000),
    };
  }

  /** HMAC over `data` with the app's token key (derived from its AppSecret). */
  private mac(appId: string, data: string): Buffer {
    const secret = this.options.secretOf(appId) ?? '';
    const key = createHmac('sha256', secret).update(`wxd-dispatch-token:${appId}`).digest();
    return createHmac('sha256', key).update(data).digest();
  }
}

function parsePayload(body: string): Payload | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    if (
      typeof value === 'object' &&
      value !== null &&
      typeof (value as Payload).a === 'string' &&
      Number.isInteger((value as Payload).e) &&
      typeof (value as Payload).n === 'string'
    ) {
      return value as Payload;
    }
  } catch {
    // Not base64url JSON: an unknown token.
  }
  return undefined;
}

/** The default caller name of an app's dispatch tokens. */
export function defaultCompatCaller(appId: string): string {
  return `compat-${appId}`;
}
