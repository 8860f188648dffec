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
 * helmet's page defaults with two changes, so the pages (docs, dashboard, console) render over
 * plain HTTP on an internal host name and offline (#20): no `upgrade-insecure-requests` (the
 * browser would fetch every asset over https, which an internal Service or pod IP does not
 * answer), and styles and fonts only from the service itself (no `https:` source: Bull Board's
 * page links Google Fonts, which the browser then never fetches).
 */
export function pageHeaders(): HeaderSetter {
  return helmet({
    contentSecurityPolicy: {
      directives: {
        upgradeInsecureRequests: null,
        styleSrc: ["'self'", "'unsafe-inline'"],
        fontSrc: ["'self'", 'data:'],
      },
    },
  });
}

/**
 * helmet's headers on every answer, in two profiles: {@link jsonApiHeaders} on JSON routes,
 * {@link pageHeaders} on pages (docs, dashboard, console) and everything else.
 */
export function securityHeaders(): RequestHandler {
  const forJson = jsonApiHeaders();
  const forPages = pageHeaders();
  return (req, res, next) => {
    const json = JSON_API_PREFIXES.some((prefix) => req.path.startsWith(prefix));
    (json ? forJson : forPages)(req, res, next);
  };
}
