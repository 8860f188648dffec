import { stringify } from 'lossless-json';
import type { Response } from 'express';

/** The Content-Type WeChat's API answers with. */
export const WECHAT_CONTENT_TYPE = 'application/json; encoding=utf-8';

/**
 * A WeChat JSON body; bigint values (msgid) are written as raw numbers with every digit. Values
 * may nest (a menu, a user's tag list).
 */
export type WeChatBody = Record<string, unknown>;

/**
 * Writes a WeChat answer. A fault may have set `res.locals.contentType` (e.g. `text/plain`,
 * which WeChat sometimes uses for JSON bodies).
 */
export function writeWeChat(res: Response, body: WeChatBody, status = 200): void {
  const override: unknown = res.locals.contentType;
  const contentType = typeof override === 'string' ? override : WECHAT_CONTENT_TYPE;
  res.status(status).setHeader('Content-Type', contentType);
  res.end(stringify(body) ?? '{}');
}

/** Writes a JSON answer of the sandbox's own control API. */
export function writeJson(res: Response, body: unknown, status = 200): void {
  res.status(status).setHeader('Content-Type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(body));
}

/** Writes a control-API error: `{ error: { code, message } }`. */
export function writeControlError(res: Response, status: number, message: string): void {
  writeJson(
    res,
    { error: { code: status === 404 ? 'not_found' : 'bad_request', message } },
    status,
  );
}
