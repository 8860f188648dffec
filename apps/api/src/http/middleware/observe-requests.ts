import type { Request, RequestHandler } from 'express';
import type { Logger } from '@wechat-dispatch/shared';
import type { ApiMetrics } from '../../metrics';
import { localsOf, matchedRouteOf } from '../request-locals';

/** Path prefixes whose sub-paths are not our routes (static assets, the dashboard's own API). */
const MOUNTS = ['/admin/queues', '/docs', '/cgi-bin', '/v1'];

/**
 * The route template of a request, for labels: what `validate` recorded, else the Express
 * route, else the mount it fell under. Never the raw URL: ids in it would create a new metric
 * series per message.
 */
function routeTemplate(req: Request, recorded: string | undefined): string {
  if (recorded) {
    return recorded;
  }
  const matched = matchedRouteOf(req);
  if (matched) {
    return matched;
  }
  const mount = MOUNTS.find((prefix) => req.path === prefix || req.path.startsWith(`${prefix}/`));
  return mount ? `${mount}/*` : 'unmatched';
}

/**
 * One log line and one histogram observation per finished request: method, route template,
 * status, duration and caller. The query string is never logged: the compat routes carry the
 * API key in it.
 */
export function observeRequests(logger: Logger, metrics: ApiMetrics): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const locals = localsOf(res);
      const route = routeTemplate(req, locals.route);
      metrics.observeRequest(req.method, route, res.statusCode, seconds);
      logger.http('request finished', {
        method: req.method,
        route,
        status: res.statusCode,
        durationMs: Math.round(seconds * 1000),
        caller: locals.caller,
        traceId: locals.traceId,
      });
    });
    next();
  };
}
