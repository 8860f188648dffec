import type { RequestHandler } from 'express';
import { newTraceId, runWithTrace, sanitizeTraceId } from '@wechat-dispatch/shared';

/**
 * Takes `X-Request-Id` from the caller (if it is a sane token) or makes one, echoes it, and runs
 * the rest of the request inside its trace context so every log line carries it. The same id
 * travels in the job to the worker.
 */
export function requestId(): RequestHandler {
  return (req, res, next) => {
    const id = sanitizeTraceId(req.get('x-request-id')) ?? newTraceId();
    res.locals.traceId = id;
    res.setHeader('X-Request-Id', id);
    runWithTrace(id, next);
  };
}
