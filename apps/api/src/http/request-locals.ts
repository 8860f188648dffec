import type { Request, Response } from 'express';
import type { RequestContext } from '../domain/message-service';
import { CallerScope } from '../domain/caller-scope';
import type { Viewer } from '../domain/visibility';

/**
 * Typed access to what the middleware leaves in `res.locals` (Express types it as `any`):
 * the trace id (request-id), the caller, operator flag and scope (api-key auth), the route template
 * (validate) and the parsed input (validate).
 */
export interface ApiLocals {
  traceId: string;
  caller?: string;
  isAdmin?: boolean;
  /** The apps the caller may use (api-key auth). */
  scope?: CallerScope;
  /** The app a compat route's dispatch token implies (compat auth). */
  tokenAppId?: string;
  route?: string;
  input?: unknown;
}

/** The locals of a response. */
export function localsOf(res: Response): ApiLocals {
  return res.locals as ApiLocals;
}

/** The authenticated caller as a viewer of records. */
export function viewerOf(res: Response): Viewer {
  const locals = localsOf(res);
  return {
    caller: locals.caller ?? '',
    isAdmin: locals.isAdmin === true,
    scope: locals.scope ?? CallerScope.all(),
    traceId: locals.traceId,
  };
}

/** Caller and trace id, for the domain. */
export function contextOf(res: Response): RequestContext {
  const locals = localsOf(res);
  return {
    caller: locals.caller ?? '',
    traceId: locals.traceId,
    scope: locals.scope ?? CallerScope.all(),
  };
}

/**
 * The template of the matched route (`/v1/messages/:id`), or undefined outside a route. Only
 * meaningful while the route runs: Express restores `baseUrl` once its router is done.
 */
export function matchedRouteOf(req: Request): string | undefined {
  const route: unknown = req.route;
  if (route && typeof route === 'object' && 'path' in route && typeof route.path === 'string') {
    return `${req.baseUrl}${route.path === '/' ? '' : route.path}`;
  }
  return undefined;
}
