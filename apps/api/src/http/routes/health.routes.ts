import { Router } from 'express';
import { redisAnswers, type RedisClient } from '@wechat-dispatch/shared';

/**
 * `/healthz` (the process is up) and `/readyz` (Redis answers and we are not shutting down).
 * With `readinessKey`, Redis is asked on the node that serves the service's slot (a Cluster).
 */
export function healthRoutes(
  redis: RedisClient,
  isShuttingDown: () => boolean,
  readinessKey?: string,
): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const redisOk = await redisAnswers(redis, readinessKey);
    const ready = redisOk && !isShuttingDown();
    res.status(ready ? 200 : 503).json({
      status: ready ? 'ready' : 'not_ready',
      redis: redisOk ? 'ok' : 'unavailable',
      shuttingDown: isShuttingDown(),
    });
  });
  return router;
}
