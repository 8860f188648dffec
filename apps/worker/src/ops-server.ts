import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';
import { carriesBearerToken } from '@wechat-dispatch/shared';

/** What the readiness probe reports. */
export interface Readiness {
  ready: boolean;
  [detail: string]: unknown;
}

/** Dependencies of {@link createOpsServer}. */
export interface OpsServerDeps {
  registry: Registry;
  readiness: () => Promise<Readiness>;
  /** `METRICS_TOKEN`: `/metrics` wants `Authorization: Bearer <token>`. @defaultValue none (open) */
  metricsToken?: string;
}

/**
 * The worker's own tiny HTTP server: `/healthz` (process up), `/readyz` (Redis answers, not
 * shutting down, and which apps' token endpoints answer configuration errors), `/metrics`
 * (behind the bearer token when one is set, compared in constant time; 401 without it).
 */
export function createOpsServer(deps: OpsServerDeps): Server {
  return createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const send = (status: number, body: string, type = 'application/json') => {
      res.writeHead(status, { 'Content-Type': type });
      res.end(body);
    };
    if (req.method !== 'GET') {
      send(405, JSON.stringify({ error: 'method not allowed' }));
      return;
    }
    if (path === '/healthz') {
      send(200, JSON.stringify({ status: 'ok' }));
    } else if (path === '/readyz') {
      deps.readiness().then(
        (r) => send(r.ready ? 200 : 503, JSON.stringify(r)),
        (err: unknown) => send(503, JSON.stringify({ ready: false, error: String(err) })),
      );
    } else if (path === '/metrics') {
      const token = deps.metricsToken;
      if (token !== undefined && !carriesBearerToken(req.headers.authorization, token)) {
        res.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
        send(401, JSON.stringify({ error: 'unauthorized' }));
        return;
      }
      deps.registry.metrics().then(
        (text) => send(200, text, deps.registry.contentType),
        () => send(500, 'metrics unavailable', 'text/plain'),
      );
    } else {
      send(404, JSON.stringify({ error: 'not found' }));
    }
  });
}
