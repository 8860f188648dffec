import { randomInt } from 'node:crypto';
import { compatBody, envelope } from './push-event';
import { encryptMessage } from './message-crypto';
import { originalIdOf } from './wechat-events';
import { wechatSignature } from './signature';
import type { EventTarget } from './event-target';

/** A push ready to send. */
export interface SignedPush {
  url: string;
  body: string;
  contentType: string;
}

/**
 * Builds the HTTP request WeChat would send for one event: `signature`, `timestamp`, `nonce`
 * and `openid` in the query; in `compat`/`safe` mode the body carries `Encrypt` and the query
 * adds `encrypt_type=aes` and `msg_signature`.
 *
 * @param plain - the serialised event (XML or JSON, per the target's format)
 * @param nowMs - the sandbox clock, epoch milliseconds
 */
export function signPush(
  appid: string,
  target: EventTarget,
  plain: string,
  openid: string,
  nowMs: number,
): SignedPush {
  const format = target.format ?? 'xml';
  const mode = target.mode ?? (target.encodingAESKey ? 'safe' : 'plain');
  const timestamp = String(Math.floor(nowMs / 1000));
  const nonce = String(randomInt(100_000_000, 999_999_999));
  const url = new URL(target.url);
  url.searchParams.set('signature', wechatSignature(target.token, timestamp, nonce));
  url.searchParams.set('timestamp', timestamp);
  url.searchParams.set('nonce', nonce);
  url.searchParams.set('openid', openid);
  let body = plain;
  if (mode !== 'plain' && target.encodingAESKey) {
    const encrypt = encryptMessage(plain, target.encodingAESKey, target.encryptAppId ?? appid);
    url.searchParams.set('encrypt_type', 'aes');
    url.searchParams.set('msg_signature', wechatSignature(target.token, timestamp, nonce, encrypt));
    const toUserName = target.originalId ?? originalIdOf(appid);
    body =
      mode === 'safe' ? envelope(format, toUserName, encrypt) : compatBody(format, plain, encrypt);
  }
  return {
    url: url.toString(),
    body,
    contentType: format === 'xml' ? 'text/xml' : 'application/json',
  };
}
