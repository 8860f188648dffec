import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { messageIdParamsSchema } from '../schemas/common.schema';
import {
  deadLetterPageSchema,
  deadLetterQuerySchema,
  redrivenSchema,
} from '../schemas/dead-letters.schema';
import {
  acceptedBatchSchema,
  acceptedSchema,
  batchBodySchema,
  cancelledSchema,
  deliveryRecordSchema,
  idempotencyHeadersSchema,
  messageBodySchema,
} from '../schemas/messages.schema';
import { batchExamples, messageExamples } from './examples';
import { errorResponses, json, locationHeader } from './responses';

const security = [{ apiKey: [] }];

/** The `/v1` routes. */
export function registerV1Paths(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: 'post',
    path: '/v1/messages',
    operationId: 'sendMessage',
    tags: ['messages'],
    summary: 'Enqueue one message',
    description:
      'Validated strictly (unknown fields are 400); subscribe, bizsend and category-template data values are checked against WeChat’s rules for the key’s type prefix. `sendAt` schedules it (status `scheduled`; more than `SEND_AT_MAX_DAYS` ahead is 400 naming `sendAt`); `expiresAt` or `ttlSeconds` is the instant after which it is never sent (status `expired`). An `appId` outside the caller’s scope (an `API_KEYS` entry with an app list) is 404.',
    security,
    request: {
      headers: idempotencyHeadersSchema,
      body: {
        required: true,
        content: { 'application/json': { schema: messageBodySchema, examples: messageExamples } },
      },
    },
    responses: {
      '202': { ...json('Accepted: durably queued.', acceptedSchema), headers: locationHeader },
      '200': json(
        'An idempotent repeat: the first request’s answer; nothing enqueued.',
        acceptedSchema,
      ),
      ...errorResponses(400, 401, 404, 409, 413, 415, 429, 503),
    },
  });
  registry.registerPath({
    method: 'post',
    path: '/v1/messages/batch',
    operationId: 'sendBatch',
    tags: ['messages'],
    summary: 'Enqueue up to 1000 messages, all or nothing',
    description:
      'One invalid item → 400 naming `messages[i].…`, nothing enqueued. The records (one Lua script) and the jobs (one BullMQ add script per message) go to Redis in one pipeline. With an Idempotency-Key a retry after a 503 reuses the same ids, so nothing is doubled.',
    security,
    request: {
      headers: idempotencyHeadersSchema,
      body: {
        required: true,
        content: { 'application/json': { schema: batchBodySchema, examples: batchExamples } },
      },
    },
    responses: {
      '202': json('Accepted: every message durably queued; ids in order.', acceptedBatchSchema),
      '200': json('An idempotent repeat: the first request’s ids.', acceptedBatchSchema),
      ...errorResponses(400, 401, 404, 409, 413, 415, 429, 503),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/v1/messages/{id}',
    operationId: 'getMessage',
    tags: ['messages'],
    summary: 'A message’s delivery record',
    description: 'Visible only to the caller that created it (and to API_ADMIN_CALLERS).',
    security,
    request: { params: messageIdParamsSchema },
    responses: {
      '200': json('The record.', deliveryRecordSchema),
      ...errorResponses(400, 401, 404, 429, 503),
    },
  });
  registry.registerPath({
    method: 'delete',
    path: '/v1/messages/{id}',
    operationId: 'cancelMessage',
    tags: ['messages'],
    summary: 'Cancel a queued, scheduled or retrying message',
    description:
      'Atomic with respect to the workers: either the cancel wins and the message is never sent, or a worker has it and this answers 409.',
    security,
    request: { params: messageIdParamsSchema },
    responses: {
      '200': json('Cancelled.', cancelledSchema),
      ...errorResponses(400, 401, 404, 409, 429, 503),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/v1/dead-letters',
    operationId: 'listDeadLetters',
    tags: ['dead letters'],
    summary: 'Dead letters, newest first',
    description:
      'A caller sees its own dead letters of the apps in its scope (its own index: a listing costs what it returns); API_ADMIN_CALLERS see everyone’s. `nextCursor` is opaque and bound to the caller and the listing: another caller’s, another listing’s or a tampered one is 400 naming `cursor`. An `appId` outside the caller’s scope is 404. A page may hold fewer than `limit` items while `nextCursor` is not null: follow it.',
    security,
    request: { query: deadLetterQuerySchema },
    responses: {
      '200': json('One page.', deadLetterPageSchema),
      ...errorResponses(400, 401, 404, 429, 503),
    },
  });
  registry.registerPath({
    method: 'post',
    path: '/v1/dead-letters/{id}/redrive',
    operationId: 'redriveDeadLetter',
    tags: ['dead letters'],
    summary: 'Send a dead message again with a fresh attempt budget',
    security,
    request: { params: messageIdParamsSchema },
    responses: {
      '202': { ...json('Back to queued.', redrivenSchema), headers: locationHeader },
      ...errorResponses(400, 401, 404, 409, 429, 503),
    },
  });
}
