import type { RequestHandler } from 'express';
import { AppError, ERROR_CODES } from '@wechat-dispatch/shared';

/** Answers 415 to a request with a body that is not `application/json`. */
export function jsonOnly(): RequestHandler {
  return (req, _res, next) => {
    const hasBody =
      req.headers['transfer-encoding'] !== undefined ||
      Number(req.headers['content-length'] ?? 0) > 0;
    if (hasBody && !req.is('application/json')) {
      throw new AppError(
        ERROR_CODES.UNSUPPORTED_MEDIA_TYPE,
        415,
        'Send JSON with Content-Type: application/json',
      );
    }
    next();
  };
}
