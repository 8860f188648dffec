import type { ServerResponse } from 'node:http';
import { Router } from 'express';
import type { IdempotentOutcome, StoredResponse } from '../../domain/idempotency';
import type { Accepted, MessageService } from '../../domain/message-service';
import type { MessageHistory } from '../../domain/message-history';
import { NotFoundError } from '@wechat-dispatch/shared';
import { answerJson } from '../json-answer';
import { inputOf, validate } from '../middleware/validate';
import { contextOf, viewerOf } from '../request-locals';
import { messageIdParamsSchema } from '../schemas/common.schema';
import {
  batchBodySchema,
  idempotencyHeadersSchema,
  messageBodySchema,
} from '../schemas/messages.schema';
import { METADATA_PARAM, searchQuerySchema } from '../schemas/history.schema';

/** What `POST /v1/messages` reads: the Idempotency-Key header and one message. */
export const createInput = { headers: idempotencyHeadersSchema, body: messageBodySchema };
const batchInput = { headers: idempotencyHeadersSchema, body: batchBodySchema };
const idInput = { params: messageIdParamsSchema };
const searchInput = { query: searchQuerySchema };

/** 202 for a new request, 200 for an idempotent repeat (Stripe's `Idempotent-Replayed`). */
function answerAccepted<T extends StoredResponse>(
  res: ServerResponse,
  { response, replayed }: IdempotentOutcome<T>,
): void {
  if (replayed) {
    res.setHeader('Idempotent-Replayed', 'true');
  }
  answerJson(res, replayed ? 200 : 202, response);
}

/** The answer to `POST /v1/messages`: {@link answerAccepted} with the message's `Location`. */
export function answerAcceptedMessage(
  res: ServerResponse,
  outcome: IdempotentOutcome<Accepted>,
): void {
  res.setHeader('Location', `/v1/messages/${outcome.response.id}`);
  answerAccepted(res, outcome);
}

/** `/v1/messages`: enqueue one or a batch, search, read back (from the archive once expired), cancel. */
export function messagesRoutes(messages: MessageService, history: MessageHistory): Router {
  const router = Router();
  router.post('/', validate(createInput), async (_req, res) => {
    const { headers, body } = inputOf(res, createInput);
    const outcome = await messages.accept(body, contextOf(res), headers['idempotency-key']);
    answerAcceptedMessage(res, outcome);
  });
  router.post('/batch', validate(batchInput), async (_req, res) => {
    const { headers, body } = inputOf(res, batchInput);
    const outcome = await messages.acceptBatch(
      body.messages,
      contextOf(res),
      headers['idempotency-key'],
    );
    answerAccepted(res, outcome);
  });
  router.get('/', validate(searchInput), async (_req, res) => {
    const { query } = inputOf(res, searchInput);
    const metadata: Record<string, string> = {};
    for (const [name, value] of Object.entries(query)) {
      const key = METADATA_PARAM.exec(name)?.[1];
      if (key !== undefined && typeof value === 'string') {
        metadata[key] = value;
      }
    }
    res.json(await history.search({ ...query, metadata }, viewerOf(res)));
  });
  router.get('/:id', validate(idInput), async (_req, res) => {
    const { params } = inputOf(res, idInput);
    const viewer = viewerOf(res);
    try {
      res.json(await messages.get(params.id, viewer));
    } catch (error) {
      // A record whose Redis copy has expired is still served from the archive.
      if (!(error instanceof NotFoundError) || !history.configured) {
        throw error;
      }
      res.json(await history.get(params.id, viewer));
    }
  });
  router.delete('/:id', validate(idInput), async (_req, res) => {
    const { params } = inputOf(res, idInput);
    res.json(await messages.cancel(params.id, viewerOf(res)));
  });
  return router;
}
