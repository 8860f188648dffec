import { z } from 'zod';
import { deliveryRecordSchema as recordSchema, messageSchema } from '@wechat-dispatch/core';

/** Most messages in one batch (CONTRACT §3). */
export const MAX_BATCH = 1000;

/** `POST /v1/messages` body: one message, told apart by `type`; unknown fields are refused. */
export const messageBodySchema = messageSchema.meta({ id: 'Message' });

/** `POST /v1/messages/batch` body. */
export const batchBodySchema = z
  .strictObject({
    messages: z
      .array(messageBodySchema)
      .min(1, 'must hold at least one message')
      .max(MAX_BATCH, `must hold at most ${MAX_BATCH} messages`),
  })
  .meta({ id: 'Batch' });

/** Headers of the two enqueue routes. */
export const idempotencyHeadersSchema = z.object({
  'idempotency-key': z
    .string()
    .regex(/^[\x20-\x7e]{1,128}$/, 'must be 1 to 128 printable ASCII characters')
    .optional()
    .meta({
      description:
        'Same key and body within 24 h: 200 with the first id, nothing enqueued. Same key, other body: 409 idempotency_key_reused. Keys are per caller.',
    }),
});

/** 202 (and 200 on an idempotent repeat) of `POST /v1/messages`. */
export const acceptedSchema = z
  .object({ id: z.string(), status: z.enum(['queued', 'scheduled']) })
  .meta({ id: 'Accepted' });

/** 202 (and 200 on an idempotent repeat) of `POST /v1/messages/batch`. */
export const acceptedBatchSchema = z
  .object({ ids: z.array(z.string()).meta({ description: 'In the order of the messages.' }) })
  .meta({ id: 'AcceptedBatch' });

/** 200 of `DELETE /v1/messages/:id`. */
export const cancelledSchema = z
  .object({ id: z.string(), status: z.literal('cancelled') })
  .meta({ id: 'Cancelled' });

/** A message's delivery record (`GET /v1/messages/:id`, dead-letter items): core's own schema. */
export const deliveryRecordSchema = recordSchema.meta({ id: 'DeliveryRecord' });
