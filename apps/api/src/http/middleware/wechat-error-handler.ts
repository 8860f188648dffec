import { randomUUID } from 'node:crypto';
import type { ErrorRequestHandler } from 'express';
import {
  ERROR_CODES,
  UnauthorizedError,
  ValidationError,
  type AppError,
  type ErrorDetail,
  type Logger,
} from '@wechat-dispatch/shared';
import { toWeChatPath } from '../../domain/wechat-compat';
import { localsOf } from '../request-locals';
import { toAppError } from './error-handler';

/** WeChat's answer shape. */
export interface WeChatAnswer {
  errcode: number;
  errmsg: string;
  msgid?: number;
}

/**
 * A credential WeChat would refuse with this errcode (40125 wrong secret, 40013 unknown appid,
 * 40001 unknown token, 42001 expired token): a 401 for the failed-authentication throttle,
 * answered with WeChat's code on the compat routes.
 */
export class WeChatCredentialRefusal extends UnauthorizedError {
  constructor(
    readonly errcode: number,
    message: string,
  ) {
    super(message);
  }
}

/** A request WeChat would refuse with this errcode before any credential is checked (40002). */
export class WeChatRequestRefusal extends ValidationError {
  constructor(
    readonly errcode: number,
    message: string,
    path: string,
  ) {
    super(message, [{ path, message }]);
  }
}

/**
 * The body does not have WeChat's shape (a field missing or of the wrong type): WeChat's
 * "data format error", as opposed to a well-formed value that breaks a rule (47003).
 */
export class WeChatShapeError extends ValidationError {
  constructor(details: ErrorDetail[]) {
    super('The body is not a WeChat request', details);
  }
}

/** A validation problem as WeChat would answer it, by the field it is about. */
function answerForValidation(error: AppError): WeChatAnswer {
  const detail = error.details?.[0];
  const path = detail ? toWeChatPath(detail.path) : '';
  const reason = detail ? `${path}: ${detail.message}` : error.message;
  if (path.startsWith('data.') && !(error instanceof WeChatShapeError)) {
    return { errcode: 47003, errmsg: `argument invalid! ${reason}` };
  }
  if (path === 'appid') {
    return detail?.message.startsWith('is required')
      ? { errcode: 41002, errmsg: 'appid missing (add &appid= to the URL)' }
      : { errcode: 40013, errmsg: `invalid appid: ${reason}` };
  }
  if (path === 'touser') {
    return { errcode: 40003, errmsg: `invalid openid: ${reason}` };
  }
  if (path === 'template_id') {
    return { errcode: 40037, errmsg: `invalid template_id: ${reason}` };
  }
  return { errcode: 47001, errmsg: `data format error: ${reason}` };
}

/**
 * Maps an error to WeChat's answer: 40001 bad key, 47001 malformed body, 47003 a data value
 * WeChat would refuse (naming the field), 40003/40037/40013/41002 for openid, template and app,
 * 43101 no recorded subscription consent, 45011 rate limited, WeChat's own code for a refused
 * credential or token request, -1 Redis unavailable or our own failure (callers retry -1, as they would
 * with WeChat).
 */
export function wechatAnswerFor(err: unknown): { answer: WeChatAnswer; known?: AppError } {
  if (err instanceof WeChatCredentialRefusal || err instanceof WeChatRequestRefusal) {
    return { known: err, answer: { errcode: err.errcode, errmsg: err.message } };
  }
  const known = toAppError(err);
  if (!known) {
    return { answer: { errcode: -1, errmsg: 'system error' } };
  }
  switch (known.code) {
    case ERROR_CODES.UNAUTHORIZED:
      return {
        known,
        answer: { errcode: 40001, errmsg: 'invalid credential, access_token is invalid' },
      };
    case ERROR_CODES.VALIDATION_FAILED:
      return { known, answer: answerForValidation(known) };
    case ERROR_CODES.INVALID_JSON:
    case ERROR_CODES.INVALID_CONTENT_ENCODING:
    case ERROR_CODES.PAYLOAD_TOO_LARGE:
    case ERROR_CODES.UNSUPPORTED_MEDIA_TYPE:
      return { known, answer: { errcode: 47001, errmsg: `data format error: ${known.message}` } };
    case ERROR_CODES.IDEMPOTENCY_KEY_REUSED:
      return {
        known,
        answer: { errcode: 47001, errmsg: 'client_msg_id was already used with another body' },
      };
    case ERROR_CODES.APP_DISABLED:
      // WeChat's answer for an app that may not use this API; callers treat it as permanent.
      return { known, answer: { errcode: 48001, errmsg: `api unauthorized: ${known.message}` } };
    case ERROR_CODES.NO_SUBSCRIPTION_CONSENT:
      // What WeChat answers when the user has not accepted the template: final, not "retry".
      return {
        known,
        answer: { errcode: 43101, errmsg: `user refuse to accept the msg: ${known.message}` },
      };
    case ERROR_CODES.RATE_LIMITED:
      return {
        known,
        answer: { errcode: 45011, errmsg: 'api minute-quota reach limit, retry next minute' },
      };
    default:
      return { known, answer: { errcode: -1, errmsg: `system error: ${known.message}` } };
  }
}

/**
 * The error handler of the WeChat-compatible routes: always HTTP 200 with
 * `{ errcode, errmsg }`, like WeChat, and the request id in `X-Request-Id`.
 */
export function wechatErrorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, _req, res, _next) => {
    const { answer, known } = wechatAnswerFor(err);
    if (!known) {
      const errorId = randomUUID();
      logger.error('unhandled error', { traceId: localsOf(res).traceId, errorId, err });
      answer.errmsg = `system error (error id ${errorId})`;
    } else if (known.httpStatus >= 500) {
      logger.warn('request failed', {
        traceId: localsOf(res).traceId,
        code: known.code,
        error: known.message,
        cause: known.cause,
      });
      res.setHeader('Retry-After', '1');
    }
    res.status(200).json(answer);
  };
}
