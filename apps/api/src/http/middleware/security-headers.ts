import type { RequestHandler } from 'express';
import helmet from 'helmet';

/** Where answers are JSON for programs, never pages for browsers. */
const JSON_API_PREFIXES = ['/v1/', '/cgi-bin/'];

/**
 * helmet's headers on every answer, in two profiles. JSON routes get OWASP's REST set, stricter
 * than helmet's page defaults (`default-src 'none'`: a JSON body never loads anything) and
 * without the headers that only mean something to an HTML page (COOP, Origin-Agent-Cluster,
 * DNS prefetch, IE download options, Flash policies, the legacy XSS auditor): half the headers
 * on the send path. Pages (docs, dashboard) and everything else get helmet's defaults.
 */
export function securityHeaders(): RequestHandler {
  const forJson = helmet({
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
  const forPages = helmet();
  return (req, res, next) => {
    const json = JSON_API_PREFIXES.some((prefix) => req.path.startsWith(prefix));
    (json ? forJson : forPages)(req, res, next);
  };
}
