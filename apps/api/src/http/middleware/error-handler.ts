import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import {
  AppError,
  DependencyUnavailableError,
  ERROR_CODES,
  NotFoundError,
  type Logger,
} from '@wechat-dispatch/shared';
import { answerJson } from '../json-answer';
import { localsOf } from '../request-locals';

/** What body-parser and the router attach to what they throw. */
interface HttpLibraryError {
  type?: string;
  status?: number;
  /** zlib's (and brotli's) error number, kept by body-parser on a body that does not inflate. */
  errno?: number;
}

/** What ioredis throws when a fail-fast connection has no Redis behind it. */
const REDIS_DOWN =
  /enableOfflineQueue|Connection is closed|Stream isn't writeable|MaxRetriesPerRequest|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE/;

/** A body that does not parse as JSON (body-parser's and the send fast path's). */
export function invalidJsonError(): AppError {
  return new AppError(ERROR_CODES.INVALID_JSON, 400, 'The body is not valid JSON');
}

/**
 * A body that stopped before its Content-Length: the caller went away (nobody reads the answer;
 * it is not our failure, so no error log).
 */
export function bodyCutShortError(): AppError {
  return new AppError(ERROR_CODES.INVALID_JSON, 400, 'The body did not arrive whole');
}

/** A path whose percent-encoding does not decode (`/v1/messages/%FF`): the router's URIError. */
function invalidPathError(): AppError {
  return new AppError(ERROR_CODES.INVALID_PATH, 400, 'The path is not valid percent-encoding');
}

/** A body that does not inflate as its Content-Encoding (gzip, deflate, br) says. */
function invalidContentEncodingError(): AppError {
  return new AppError(
    ERROR_CODES.INVALID_CONTENT_ENCODING,
    400,
    'The body does not decode as its Content-Encoding says',
  );
}

/**
 * Turns what body-parser, the router and ioredis throw into our own errors; undefined for
 * anything unexpected (a bug). Everything a client can cause maps to a 4xx here, so it is
 * never logged as an error.
 */
export function toAppError(err: unknown): AppError | undefined {
  if (err instanceof AppError) {
    return err;
  }
  const library = err as HttpLibraryError | undefined;
  if (err instanceof URIError && library?.status === 400) {
    return invalidPathError();
  }
  if (library?.status === 400 && typeof library.errno === 'number') {
    return invalidContentEncodingError();
  }
  const type = library?.type;
  if (type === 'entity.parse.failed') {
    return invalidJsonError();
  }
  if (type === 'request.aborted') {
    return bodyCutShortError();
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
 * body holds only an error id, with the details logged under that id. Works on a plain Node
 * response, for the send fast path.
 */
export function answerError(
  logger: Logger,
  err: unknown,
  res: ServerResponse,
  requestId: string,
): void {
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
    answerJson(res, known.httpStatus, {
      error: { code: known.code, message: known.message, requestId, details: known.details },
    });
    return;
  }
  const errorId = randomUUID();
  logger.error('unhandled error', { traceId: requestId, errorId, err });
  answerJson(res, 500, {
    error: { code: ERROR_CODES.INTERNAL, message: 'Internal error', requestId, errorId },
  });
}

/** Express's end of {@link answerError}: every error of every route but WeChat's. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, _req, res, _next) => {
    answerError(logger, err, res, localsOf(res).traceId);
  };
}
