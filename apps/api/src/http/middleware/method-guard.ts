import type { RequestHandler } from 'express';
import { AppError, ERROR_CODES } from '@wechat-dispatch/shared';
import { allowedMethods, type RouteMethods } from '../route-methods';

/**
 * Answers for the methods of known paths before any router sees them: `OPTIONS` → 204 with
 * `Allow`; a method the path does not answer → 405 `method_not_allowed` with `Allow` (RFC 9110
 * §15.5.6) instead of a 404. Express's own OPTIONS answer would list the methods of every route
 * whose pattern matches (`/v1/messages/batch` would offer `/:id`'s GET and DELETE), and mounted
 * libraries (Swagger UI) would answer any method. Paths no route matches go on (a 404).
 * @throws AppError `method_not_allowed` (405)
 */
export function methodGuard(routes: readonly RouteMethods[]): RequestHandler {
  return (req, res, next) => {
    const allow = allowedMethods(routes, req.path);
    if (allow === undefined || (allow.includes(req.method) && req.method !== 'OPTIONS')) {
      next();
      return;
    }
    res.setHeader('Allow', allow.join(', '));
    if (req.method === 'OPTIONS') {
      res.status(204).end();
      return;
    }
    throw new AppError(
      ERROR_CODES.METHOD_NOT_ALLOWED,
      405,
      `${req.method} is not allowed on this path; see Allow`,
    );
  };
}
