import { createServer, type RequestListener, type Server } from 'node:http';

/**
 * How long an idle keep-alive connection stays open: longer than the usual load-balancer idle
 * timeout (60 s), so the balancer, not the API, closes idle connections. With Node's default of
 * 5 s a request sent on a connection the API has just closed fails (a 502 at the balancer,
 * "other side closed" at a client whose event loop was busy for a few seconds).
 */
export const KEEP_ALIVE_TIMEOUT_MS = 65_000;

/** The API's HTTP server (not listening yet); shutdown closes its idle connections itself. */
export function createApiServer(listener: RequestListener): Server {
  const server = createServer(listener);
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  // Must exceed keepAliveTimeout, or a slow first request line on a reused connection is cut.
  server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1_000;
  return server;
}
