import { Router } from 'express';
import type { Registry } from 'prom-client';
import { UnauthorizedError, carriesBearerToken } from '@wechat-dispatch/shared';
import { gatedAuthentication, type AuthGate } from '../auth-gate';

/**
 * `GET /metrics`: Prometheus text. With a `token` (`METRICS_TOKEN`) it wants
 * `Authorization: Bearer <token>` (compared in constant time; a wrong one counts as a failed
 * authentication), else 401; without one it is open (bind it to an internal network;
 * docs/api.md).
 */
export function metricsRoutes(registry: Registry, token?: string, gate?: AuthGate): Router {
  const router = Router();
  router.get('/metrics', async (req, res) => {
    if (token !== undefined) {
      const authorization = req.get('authorization');
      const checked = gatedAuthentication(gate, req, res, authorization !== undefined, () => {
        if (!carriesBearerToken(authorization, token)) {
          throw new UnauthorizedError('A bearer token (METRICS_TOKEN) is required');
        }
      });
      if (checked instanceof Promise) {
        await checked.catch((err: unknown) => {
          if (err instanceof UnauthorizedError) {
            res.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
          }
          throw err;
        });
      }
    }
    const body = await registry.metrics();
    res.type(registry.contentType).send(body);
  });
  return router;
}
