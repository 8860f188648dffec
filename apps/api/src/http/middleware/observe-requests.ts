import type { ServerResponse } from 'node:http';
import type { Request, RequestHandler } from 'express';
import type { Logger } from '@wechat-dispatch/shared';
import type { ApiMetrics } from '../../metrics';
import { routeOfPath, type RouteMethods } from '../route-methods';
import { localsOf } from '../request-locals';

/** Path prefixes whose sub-paths are not our routes (static assets, the dashboard's own API). */
const MOUNTS = ['/admin/queues', '/docs', '/cgi-bin', '/v1'];

/**
 * The route template of a request, for labels: the documented route its path matches (the
 * same table as 405 and OPTIONS), else the mount it fell under. Read from the original URL,
 * which Express never rewrites (`req.path` and `req.baseUrl` change while routers run). Never
 * the raw URL: ids in it would create a new metric series per message.
 */
export function routeTemplate(routes: readonly RouteMethods[], req: Request): string {
  const path = req.originalUrl.split('?')[0] ?? '';
  const route = routeOfPath(routes, path);
  if (route) {
    return route.template;
  }
  const mount = MOUNTS.find((prefix) => path === prefix || path.startsWith(`${prefix}/`));
  return mount ? `${mount}/*` : 'unmatched';
}

/** What a finished request is logged and counted under, known only once it has finished. */
export interface FinishedRequest {
  route: string;
  caller?: string;
  traceId: string;
}

/**
 * One log line and one histogram observation when `res` finishes: method, route template,
 * status, duration and caller. The query string is never logged: the compat routes carry the
 * API key in it.
 */
export function observeWhenFinished(
  logger: Logger,
  metrics: ApiMetrics,
  method: string,
  res: ServerResponse,
  describe: () => FinishedRequest,
): void {
  const started = process.hrtime.bigint();
  res.once('finish', () => {
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const { route, caller, traceId } = describe();
    metrics.observeRequest(method, route, res.statusCode, seconds);
    // One line per request, below the default level: asked first, so a disabled line costs
    // neither its metadata nor a trip through winston's stream.
    if (!logger.isLevelEnabled('http')) {
      return;
    }
    logger.http('request finished', {
      method,
      route,
      status: res.statusCode,
      durationMs: Math.round(seconds * 1000),
      caller,
      traceId,
    });
  });
}

/** {@link observeWhenFinished} for every request Express handles. */
export function observeRequests(
  logger: Logger,
  metrics: ApiMetrics,
  routes: readonly RouteMethods[],
): RequestHandler {
  return (req, res, next) => {
    observeWhenFinished(logger, metrics, req.method, res, () => {
      const locals = localsOf(res);
      return {
        route: routeTemplate(routes, req),
        caller: locals.caller,
        traceId: locals.traceId,
      };
    });
    next();
  };
}
