import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header that carries a callback's timestamp and signature. */
export const CALLBACK_SIGNATURE_HEADER = 'Wechat-Dispatch-Signature';

function hmac(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

/**
 * The `Wechat-Dispatch-Signature` value of a callback body: `t=<unix seconds>,v1=<hex
 * HMAC-SHA256(secret, t + "." + body)>` (the Stripe scheme; the raw body bytes are signed).
 */
export function signCallback(secret: string, body: string, nowSeconds: number): string {
  return `t=${nowSeconds},v1=${hmac(secret, nowSeconds, body)}`;
}

/**
 * What a receiver does: recompute the HMAC over the raw body and compare in constant time;
 * refuse timestamps more than `toleranceSeconds` away (replays).
 */
export function verifyCallbackSignature(
  secret: string,
  header: string,
  body: string,
  nowSeconds: number,
  toleranceSeconds = 300,
): boolean {
  const parts = new Map<string, string>();
  for (const pair of header.split(',')) {
    const at = pair.indexOf('=');
    parts.set(pair.slice(0, at).trim(), pair.slice(at + 1).trim());
  }
  const t = Number(parts.get('t'));
  const given = Buffer.from(parts.get('v1') ?? '', 'hex');
  if (!Number.isInteger(t) || Math.abs(nowSeconds - t) > toleranceSeconds) {
    return false;
  }
  const expected = Buffer.from(hmac(secret, t, body), 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
