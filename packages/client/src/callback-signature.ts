import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header that carries a callback's timestamp and signature. */
export const CALLBACK_SIGNATURE_HEADER = 'Wechat-Dispatch-Signature';

/** Options of {@link verifyCallbackSignature}. */
export interface VerifyOptions {
  /** Now, in Unix seconds. @defaultValue the clock */
  nowSeconds?: number;
  /** Oldest (or furthest ahead) timestamp accepted, in seconds: replays. @defaultValue 300 */
  toleranceSeconds?: number;
}

/**
 * Whether a callback is ours: `header` is `Wechat-Dispatch-Signature`
 * (`t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + body)>`), `rawBody` the request body
 * exactly as received (not re-serialised JSON), `secret` the caller's CALLBACK_SECRETS entry.
 * Constant-time comparison; a timestamp outside the tolerance is refused.
 */
export function verifyCallbackSignature(
  secret: string,
  header: string | undefined,
  rawBody: string | Buffer,
  options: VerifyOptions = {},
): boolean {
  const parts = new Map<string, string>();
  for (const pair of (header ?? '').split(',')) {
    const at = pair.indexOf('=');
    if (at > 0) {
      parts.set(pair.slice(0, at).trim(), pair.slice(at + 1).trim());
    }
  }
  const t = Number(parts.get('t'));
  const now = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (!Number.isInteger(t) || Math.abs(now - t) > (options.toleranceSeconds ?? 300)) {
    return false;
  }
  const given = Buffer.from(parts.get('v1') ?? '', 'hex');
  const expected = createHmac('sha256', secret).update(`${t}.`).update(rawBody).digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}
