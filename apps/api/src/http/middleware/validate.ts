import type { RequestHandler, Response } from 'express';
import type { z } from 'zod';
import { issuesToDetails } from '@wechat-dispatch/core';
import { ValidationError, type ErrorDetail } from '@wechat-dispatch/shared';
import { localsOf, matchedRouteOf } from '../request-locals';

/** The schemas of one route's input. */
export interface InputSchemas {
  params?: z.ZodType;
  query?: z.ZodType;
  headers?: z.ZodType;
  body?: z.ZodType;
}

/** The parsed input of a route validated with `S`. */
export type ParsedInput<S extends InputSchemas> = {
  [K in keyof S]: S[K] extends z.ZodType ? z.output<S[K]> : never;
};

const PARTS = ['params', 'query', 'headers', 'body'] as const;

/** `idempotency-key` → `Idempotency-Key`, as callers write header names. */
function headerName(name: PropertyKey): string {
  return String(name).replace(
    /(^|-)([a-z])/g,
    (_m, dash: string, c: string) => dash + c.toUpperCase(),
  );
}

/** Where a request's input parts come from (an Express request, or the send fast path). */
export type InputSource = Partial<Record<(typeof PARTS)[number], unknown>>;

/**
 * Parses the parts of `source` that `schemas` has a schema for. Every problem of every part is
 * reported at once, each with its path (`data.thing1.value`, `messages[3].toUser`, `limit`).
 * @throws ValidationError (400)
 */
export function parseInput<S extends InputSchemas>(
  schemas: S,
  parts: ReadonlyArray<keyof InputSchemas>,
  source: InputSource,
): ParsedInput<S> {
  const input: Record<string, unknown> = {};
  const details: ErrorDetail[] = [];
  for (const part of parts) {
    const parsed = schemas[part]!.safeParse(source[part]);
    if (parsed.success) {
      input[part] = parsed.data;
    } else if (part === 'headers') {
      details.push(
        ...parsed.error.issues.map((issue) => ({
          path: headerName(issue.path[0] ?? 'headers'),
          message: issue.message,
        })),
      );
    } else {
      details.push(...issuesToDetails(parsed.error));
    }
  }
  if (details.length > 0) {
    throw new ValidationError('The request is invalid', details);
  }
  return input as ParsedInput<S>;
}

/** The parts `schemas` has a schema for, the ones {@link parseInput} reads. */
export function partsOf(schemas: InputSchemas): ReadonlyArray<keyof InputSchemas> {
  return PARTS.filter((part) => schemas[part] !== undefined);
}

/**
 * Parses a route's params, query, headers and body with its zod schemas ({@link parseInput})
 * and stores the result in `res.locals.input` (Express 5's `req.query` is read-only). Also
 * records the route template for logs and metrics while the route is known.
 * @throws ValidationError (400)
 */
export function validate(schemas: InputSchemas): RequestHandler {
  // Only the parts with a schema are read: Express 5 parses `req.query` on every access.
  const parts = partsOf(schemas);
  return (req, res, next) => {
    const locals = localsOf(res);
    locals.route = matchedRouteOf(req);
    locals.input = parseInput(schemas, parts, req);
    next();
  };
}

/** The input `validate(schemas)` stored for this request. */
export function inputOf<S extends InputSchemas>(res: Response, _schemas: S): ParsedInput<S> {
  return localsOf(res).input as ParsedInput<S>;
}
