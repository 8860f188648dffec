import { Router } from 'express';
import type { MessageHistory } from '../../domain/message-history';
import { inputOf, validate } from '../middleware/validate';
import { viewerOf } from '../request-locals';
import { statsQuerySchema } from '../schemas/history.schema';

const statsInput = { query: statsQuerySchema };

/** `/v1/stats`: counts per status from the archive (#20). */
export function statsRoutes(history: MessageHistory): Router {
  const router = Router();
  router.get('/', validate(statsInput), async (_req, res) => {
    const { query } = inputOf(res, statsInput);
    res.json(await history.stats(query, viewerOf(res)));
  });
  return router;
}
