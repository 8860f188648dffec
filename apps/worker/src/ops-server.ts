import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';

/** What the readiness probe reports. */
export interface Readiness {
  ready: boolean;
  [detail: string]: unknown;
}

/** Dependencies of {@link createOpsServer}. */
export interface OpsServerDeps {
  registry: Registry;
  readiness: () => Promise<Readiness>;
}

/**
 * The worker's own tiny HTTP server: `/healthz` (process up), `/readyz` (Redis answers, not
 * shutting down, and which apps' token endpoints answer configuration errors), `/metrics`.
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
      deps.registry.metrics().then(
        (text) => send(200, text, deps.registry.contentType),
        () => send(500, 'metrics unavailable', 'text/plain'),
      );
    } else {
      send(404, JSON.stringify({ error: 'not found' }));
    }
  });
}
