import { ControlInputError } from '../control/validate-input';
import { parseBody } from '../domain/parse-body';
import { writeControlError, writeJson } from './reply';
import type { Request, RequestHandler, Response } from 'express';

/** A control-API handler: gets the parsed JSON body (undefined when none) and returns the answer. */
export type ControlAction = (body: unknown, req: Request, res: Response) => unknown;

/**
 * Wraps a control action: parses the JSON body (400 when present but not JSON), answers the
 * returned value as JSON (status from `res.statusCode` if the action set one), and maps
 * {@link ControlInputError} to 400.
 */
export function control(action: ControlAction): RequestHandler {
  return (req, res) => {
    let body: unknown;
    if (typeof req.body === 'string' && req.body.trim() !== '') {
      const parsed = parseBody(req.body);
      if (!parsed.ok) {
        writeControlError(res, 400, 'the body must be JSON');
        return;
      }
      body = parsed.value;
    }
    try {
      const result = action(body, req, res);
      writeJson(res, result ?? { ok: true }, res.statusCode);
    } catch (err) {
      if (err instanceof ControlInputError) {
        writeControlError(res, 400, err.message);
        return;
      }
      throw err;
    }
  };
}

/** A query parameter as a non-empty string. */
export function queryParam(req: Request, name: string): string | undefined {
  const v: unknown = (req.query as Record<string, unknown>)[name];
  return typeof v === 'string' && v !== '' ? v : undefined;
}
