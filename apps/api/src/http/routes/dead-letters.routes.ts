import { Router } from 'express';
import type { DeadLetterService } from '../../domain/dead-letter-service';
import { inputOf, validate } from '../middleware/validate';
import { contextOf, viewerOf } from '../request-locals';
import { messageIdParamsSchema } from '../schemas/common.schema';
import { deadLetterQuerySchema } from '../schemas/dead-letters.schema';

const listInput = { query: deadLetterQuerySchema };
const redriveInput = { params: messageIdParamsSchema };

/** `/v1/dead-letters`: list (newest first, paged) and redrive. */
export function deadLettersRoutes(deadLetters: DeadLetterService): Router {
  const router = Router();
  router.get('/', validate(listInput), async (_req, res) => {
    const { query } = inputOf(res, listInput);
    res.json(await deadLetters.list(query, viewerOf(res)));
  });
  router.post('/:id/redrive', validate(redriveInput), async (_req, res) => {
    const { params } = inputOf(res, redriveInput);
    const redriven = await deadLetters.redrive(params.id, viewerOf(res), contextOf(res));
    res.status(202).location(`/v1/messages/${params.id}`).json(redriven);
  });
  return router;
}
