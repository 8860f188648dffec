import { Router, type Response } from 'express';
import type { MessageService } from '../../domain/message-service';
import { inputOf, validate } from '../middleware/validate';
import { contextOf, viewerOf } from '../request-locals';
import { messageIdParamsSchema } from '../schemas/common.schema';
import {
  batchBodySchema,
  idempotencyHeadersSchema,
  messageBodySchema,
} from '../schemas/messages.schema';

const createInput = { headers: idempotencyHeadersSchema, body: messageBodySchema };
const batchInput = { headers: idempotencyHeadersSchema, body: batchBodySchema };
const idInput = { params: messageIdParamsSchema };

/** 202 for a new request, 200 for an idempotent repeat (Stripe's `Idempotent-Replayed`). */
function acceptedStatus(res: Response, replayed: boolean): Response {
  if (replayed) {
    res.setHeader('Idempotent-Replayed', 'true');
  }
  return res.status(replayed ? 200 : 202);
}

/** `/v1/messages`: enqueue one or a batch, read back, cancel. */
export function messagesRoutes(messages: MessageService): Router {
  const router = Router();
  router.post('/', validate(createInput), async (_req, res) => {
    const { headers, body } = inputOf(res, createInput);
    const { response, replayed } = await messages.accept(
      body,
      contextOf(res),
      headers['idempotency-key'],
    );
    acceptedStatus(res, replayed).location(`/v1/messages/${response.id}`).json(response);
  });
  router.post('/batch', validate(batchInput), async (_req, res) => {
    const { headers, body } = inputOf(res, batchInput);
    const { response, replayed } = await messages.acceptBatch(
      body.messages,
      contextOf(res),
      headers['idempotency-key'],
    );
    acceptedStatus(res, replayed).json(response);
  });
  router.get('/:id', validate(idInput), async (_req, res) => {
    const { params } = inputOf(res, idInput);
    res.json(await messages.get(params.id, viewerOf(res)));
  });
  router.delete('/:id', validate(idInput), async (_req, res) => {
    const { params } = inputOf(res, idInput);
    res.json(await messages.cancel(params.id, viewerOf(res)));
  });
  return router;
}
