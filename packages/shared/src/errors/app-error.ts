import { ERROR_CODES, type ErrorCode } from './error-codes';

/** One problem with one field of a request, by its path (`data.thing1.value`, `messages[3].toUser`). */
export interface ErrorDetail {
  path: string;
  message: string;
}

/** Options of {@link AppError}. */
export interface AppErrorOptions {
  details?: ErrorDetail[];
  cause?: unknown;
  /** False for bugs and broken invariants: the process should not keep running. @defaultValue true */
  isOperational?: boolean;
}

/**
 * The base of every error the service raises on purpose. `code` is stable and machine-readable,
 * `httpStatus` is what the API answers, `message` is safe to show a caller.
 */
export class AppError extends Error {
  readonly details?: ErrorDetail[];
  readonly isOperational: boolean;

  constructor(
    readonly code: ErrorCode,
    readonly httpStatus: number,
    message: string,
    options: AppErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.details = options.details;
    this.isOperational = options.isOperational ?? true;
  }
}

/** 400: the request is well-formed JSON but breaks a rule. */
export class ValidationError extends AppError {
  constructor(message: string, details: ErrorDetail[] = []) {
    super(ERROR_CODES.VALIDATION_FAILED, 400, message, { details });
  }
}

/** 401: missing or wrong credentials. */
export class UnauthorizedError extends AppError {
  constructor(message = 'Missing or invalid API key') {
    super(ERROR_CODES.UNAUTHORIZED, 401, message);
  }
}

/** 404: no such resource (or not visible to this caller). */
export class NotFoundError extends AppError {
  constructor(message = 'Not found') {
    super(ERROR_CODES.NOT_FOUND, 404, message);
  }
}

/** 409: the resource is in a state that does not allow the request. */
export class ConflictError extends AppError {
  constructor(message: string, code: ErrorCode = ERROR_CODES.CONFLICT) {
    super(code, 409, message);
  }
}

/** 503: Redis (or another dependency) does not answer; nothing was stored. */
export class DependencyUnavailableError extends AppError {
  constructor(message = 'Redis is unavailable; nothing was stored', cause?: unknown) {
    super(ERROR_CODES.REDIS_UNAVAILABLE, 503, message, { cause });
  }
}
