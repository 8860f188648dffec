import { randomBytes } from 'node:crypto';

/** WeChat's errmsg for each errcode the sandbox answers; unknown codes get a generic text. */
const ERRMSG: Readonly<Record<number, string>> = {
  [-1]: 'system error',
  0: 'ok',
  40001: 'invalid credential, access_token is invalid or not latest',
  40002: 'invalid grant_type',
  40003: 'invalid openid',
  40013: 'invalid appid',
  40014: 'invalid access_token',
  40037: 'invalid template_id',
  40125: 'invalid appsecret',
  40164: 'invalid ip, not in whitelist',
  40165: 'invalid weapp pagepath',
  41001: 'access_token missing',
  41002: 'appid missing',
  41004: 'appsecret missing',
  41030: 'invalid page',
  42001: 'access_token expired',
  43002: 'require POST method',
  43004: 'require subscribe',
  43101: 'user refuse to accept the msg',
  45009: 'reach max api daily quota limit',
  45011: 'api minute-quota reach limit  mustslower  retry next minute',
  45103: 'This API has been unsupported',
  45109: 'This API has been unsupported',
  47001: 'data format error',
  47003: 'argument invalid!',
  48001: 'api unauthorized',
};

/** A WeChat error answer: HTTP 200 with `errcode`/`errmsg`. */
export interface WeChatError {
  errcode: number;
  errmsg: string;
}

/**
 * WeChat's errmsg for `errcode`, with the ` rid: …` request id WeChat appends to errors, so
 * clients that compare errmsg instead of errcode fail here as they would in production.
 *
 * @param detail - replaces the default text (e.g. `argument invalid! data.thing1.value invalid`)
 */
export function errmsgFor(errcode: number, detail?: string): string {
  const text = detail ?? ERRMSG[errcode] ?? `sandbox scripted error ${errcode}`;
  if (errcode === 0) {
    return text;
  }
  return `${text} rid: ${randomBytes(12)
    .toString('hex')
    .replace(/^(.{8})(.{4})(.{12})$/, '$1-$2-$3')}`;
}

/** Builds a {@link WeChatError}. */
export function wechatError(errcode: number, detail?: string): WeChatError {
  return { errcode, errmsg: errmsgFor(errcode, detail) };
}
