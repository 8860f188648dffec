import type { RequestHandler } from 'express';
import { newTraceId, sanitizeTraceId } from '@wechat-dispatch/shared';

/** The trace id of a request: its `X-Request-Id` if that is a sane token, else a new one. */
export function traceIdOf(requestIdHeader: string | string[] | undefined): string {
  return sanitizeTraceId(requestIdHeader) ?? newTraceId();
}

/**
 * Takes `X-Request-Id` from the caller (if it is a sane token) or makes one and echoes it. The
 * id rides in `res.locals.traceId`, from where every log line of the request names it and the
 * job carries it to the worker. Passed explicitly rather than through AsyncLocalStorage: on
 * Node 20 that turns on async hooks for every promise of the process, a cost paid on every
 * request (docs/benchmarks.md, design figures: api).
 */
export function requestId(): RequestHandler {
  return (req, res, next) => {
    const id = traceIdOf(req.headers['x-request-id']);
    res.locals.traceId = id;
    res.setHeader('X-Request-Id', id);
    next();
  };
}
