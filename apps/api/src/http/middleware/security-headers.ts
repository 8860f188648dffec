import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import helmet from 'helmet';

/** Where answers are JSON for programs, never pages for browsers. */
const JSON_API_PREFIXES = ['/v1/', '/cgi-bin/'];

/** Sets headers on a response, synchronously (helmet's middleware, usable without Express). */
export type HeaderSetter = (
  req: IncomingMessage,
  res: ServerResponse,
  next: (err?: unknown) => void,
) => void;

/**
 * OWASP's REST set for JSON routes, stricter than helmet's page defaults (`default-src 'none'`:
 * a JSON body never loads anything) and without the headers that only mean something to an
 * HTML page (COOP, Origin-Agent-Cluster, DNS prefetch, IE download options, Flash policies, the
 * legacy XSS auditor): half the headers on the send path.
 */
export function jsonApiHeaders(): HeaderSetter {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
    },
    crossOriginOpenerPolicy: false,
    originAgentCluster: false,
    xDnsPrefetchControl: false,
    xDownloadOptions: false,
    xPermittedCrossDomainPolicies: false,
    xXssProtection: false,
    referrerPolicy: { policy: 'no-referrer' },
    xFrameOptions: { action: 'deny' },
  });
}

/**
 * helmet's headers on every answer, in two profiles: {@link jsonApiHeaders} on JSON routes,
 * helmet's defaults on pages (docs, dashboard) and everything else.
 */
export function securityHeaders(): RequestHandler {
  const forJson = jsonApiHeaders();
  const forPages = helmet();
  return (req, res, next) => {
    const json = JSON_API_PREFIXES.some((prefix) => req.path.startsWith(prefix));
    (json ? forJson : forPages)(req, res, next);
  };
}
