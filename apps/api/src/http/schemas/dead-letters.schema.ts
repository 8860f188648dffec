import { z } from 'zod';
import { deliveryRecordSchema } from './messages.schema';

/** `GET /v1/dead-letters` query. */
export const deadLetterQuerySchema = z.strictObject({
  appId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be an appId')
    .optional(),
  limit: z.coerce
    .number()
    .int('must be an integer')
    .min(1, 'must be at least 1')
    .max(500, 'must be at most 500')
    .default(50),
  cursor: z
    .string()
    .max(200)
    .optional()
    .meta({ description: 'The nextCursor of the previous page.' }),
});

/** `GET /v1/dead-letters` answer. */
export const deadLetterPageSchema = z
  .object({
    items: z.array(deliveryRecordSchema),
    nextCursor: z.string().nullable(),
  })
  .meta({ id: 'DeadLetterPage' });

/** 202 of `POST /v1/dead-letters/:id/redrive`. */
export const redrivenSchema = z
  .object({ id: z.string(), status: z.literal('queued') })
  .meta({ id: 'Redriven' });
