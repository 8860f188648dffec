import { randomUUID } from 'node:crypto';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import {
  AppError,
  DependencyUnavailableError,
  ERROR_CODES,
  NotFoundError,
  type Logger,
} from '@wechat-dispatch/shared';
import { localsOf } from '../request-locals';

interface BodyParserError {
  type?: string;
}

/** What ioredis throws when a fail-fast connection has no Redis behind it. */
const REDIS_DOWN =
  /enableOfflineQueue|Connection is closed|Stream isn't writeable|MaxRetriesPerRequest|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE/;

/**
 * Turns what body-parser and ioredis throw into our own errors; undefined for anything
 * unexpected (a bug).
 */
export function toAppError(err: unknown): AppError | undefined {
  if (err instanceof AppError) {
    return err;
  }
  const type = (err as BodyParserError | undefined)?.type;
  if (type === 'entity.parse.failed') {
    return new AppError(ERROR_CODES.INVALID_JSON, 400, 'The body is not valid JSON');
  }
  if (type === 'entity.too.large') {
    return new AppError(ERROR_CODES.PAYLOAD_TOO_LARGE, 413, 'The body is larger than 1 MB');
  }
  if (type === 'charset.unsupported' || type === 'encoding.unsupported') {
    return new AppError(ERROR_CODES.UNSUPPORTED_MEDIA_TYPE, 415, 'Send UTF-8 JSON');
  }
  if (err instanceof Error && REDIS_DOWN.test(err.message)) {
    return new DependencyUnavailableError(undefined, err);
  }
  return undefined;
}

/** 404 in the contract's error shape for every route nobody answered. */
export function notFound(): RequestHandler {
  return () => {
    throw new NotFoundError('No such route');
  };
}

/**
 * The one place errors become HTTP answers: `{ error: { code, message, requestId, details? } }`.
 * Expected errors keep their status (503s add `Retry-After: 1`); anything else is a 500 whose
 * body holds only an error id, with the details logged under that id.
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, _req, res, _next) => {
    const requestId = localsOf(res).traceId;
    const known = toAppError(err);
    if (known) {
      if (known.httpStatus >= 500) {
        logger.warn('request failed', {
          traceId: requestId,
          code: known.code,
          error: known.message,
          cause: known.cause,
        });
        res.setHeader('Retry-After', '1');
      }
      res.status(known.httpStatus).json({
        error: { code: known.code, message: known.message, requestId, details: known.details },
      });
      return;
    }
    const errorId = randomUUID();
    logger.error('unhandled error', { traceId: requestId, errorId, err });
    res.status(500).json({
      error: { code: ERROR_CODES.INTERNAL, message: 'Internal error', requestId, errorId },
    });
  };
}
