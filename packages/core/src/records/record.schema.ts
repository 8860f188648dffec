import { z } from 'zod';
import { MESSAGE_TYPES, type Message } from '../messages/message.schema';

/** Every status a message can have (CONTRACT §3). */
export const MESSAGE_STATUSES = [
  'queued',
  'scheduled',
  'sending',
  'retrying',
  'sent',
  'delivered',
  'undelivered',
  'dead',
  'cancelled',
  'expired',
] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

/** WeChat's answer (or our pseudo-errcode for transport failures) of the last failed attempt. */
export const lastErrorSchema = z.object({ errcode: z.number().int(), errmsg: z.string() });
export type LastError = z.infer<typeof lastErrorSchema>;

/**
 * One line of a record's history: when and what, plus whatever the writer of the line adds
 * (`errcode`, `errmsg`, `attempt`, `caller` …).
 */
export const historyEntrySchema = z
  .object({ at: z.string(), event: z.string(), errcode: z.number().int().optional() })
  .catchall(z.unknown());
export type HistoryEntry = z.infer<typeof historyEntrySchema>;

/**
 * The delivery record of one message, as `GET /v1/messages/:id` answers it and the record store
 * keeps it. The API registers this schema in its OpenAPI document; the store builds records
 * without parsing them (its codec writes only these fields).
 */
export const deliveryRecordSchema = z.object({
  id: z.string(),
  type: z.enum(MESSAGE_TYPES),
  appId: z.string(),
  toUser: z.string(),
  templateId: z.string(),
  status: z.enum(MESSAGE_STATUSES),
  attempts: z.number().int(),
  wechatMsgId: z
    .string()
    .optional()
    .meta({ description: "WeChat's 64-bit msgid, as a string so no digit is lost." }),
  lastError: lastErrorSchema.optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
  sentAt: z.string().optional(),
  sendAt: z.string().optional(),
  expiresAt: z
    .string()
    .optional()
    .meta({ description: 'Not sent after this instant (from expiresAt or ttlSeconds).' }),
  nextAttemptAt: z.string().optional(),
  caller: z.string(),
  metadata: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  traceId: z.string(),
  history: z.array(historyEntrySchema),
});
export type DeliveryRecord = z.infer<typeof deliveryRecordSchema>;

/** A record together with the message it carries (what the worker needs to send). */
export interface StoredMessage {
  record: DeliveryRecord;
  message: Message;
}
