import { z } from 'zod';
import { MESSAGE_STATUSES } from '@wechat-dispatch/core';
import { deliveryRecordSchema } from './messages.schema';

// `expired` (#17) is searchable whether or not the record schema lists it yet.
const STATUSES = [...new Set<string>([...MESSAGE_STATUSES, 'expired'])] as [string, ...string[]];
const appIdRule = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be an appId');
const instant = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time' });

/** The filters `GET /v1/messages` and `GET /v1/stats` share. */
const filterShape = {
  appId: appIdRule.optional(),
  from: instant.optional().meta({ description: 'Created at or after (ISO 8601).' }),
  to: instant.optional().meta({ description: 'Created before (ISO 8601).' }),
};

/** A `metadata.<key>` query parameter. */
export const METADATA_PARAM = /^metadata\.([A-Za-z0-9_-]{1,64})$/;

/** `GET /v1/messages` query; `metadata.<key>=<value>` parameters are read beside it. */
export const searchQuerySchema = z
  .object({
    ...filterShape,
    toUser: z.string().min(1).max(128).optional(),
    status: z.enum(STATUSES).optional(),
    templateId: z.string().min(1).max(128).optional(),
    caller: z.string().min(1).max(128).optional(),
    limit: z.coerce
      .number()
      .int('must be an integer')
      .min(1, 'must be at least 1')
      .max(200, 'must be at most 200')
      .default(50),
    cursor: z
      .string()
      .max(400)
      .optional()
      .meta({ description: 'The nextCursor of the previous page.' }),
  })
  .catchall(z.string().max(256))
  .superRefine((query, ctx) => {
    for (const key of Object.keys(query)) {
      if (!(key in searchKnown) && !METADATA_PARAM.test(key)) {
        ctx.addIssue({ code: 'custom', path: [key], message: 'is not a search parameter' });
      }
    }
  });

const searchKnown = {
  appId: 1,
  from: 1,
  to: 1,
  toUser: 1,
  status: 1,
  templateId: 1,
  caller: 1,
  limit: 1,
  cursor: 1,
};

/** `GET /v1/messages` answer. */
export const searchPageSchema = z
  .object({ items: z.array(deliveryRecordSchema), nextCursor: z.string().nullable() })
  .meta({ id: 'MessagePage' });

/** `GET /v1/stats` query. */
export const statsQuerySchema = z.strictObject({
  ...filterShape,
  groupBy: z.enum(['day', 'template', 'errcode']).optional(),
});

/** `GET /v1/stats` answer. */
export const statsAnswerSchema = z
  .object({
    groupBy: z.enum(['day', 'template', 'errcode']).nullable(),
    groups: z.array(
      z.object({
        key: z.string().optional(),
        total: z.number().int(),
        counts: z.record(z.string(), z.number().int()),
      }),
    ),
  })
  .meta({ id: 'Stats' });
