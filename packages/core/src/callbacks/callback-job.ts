import { z } from 'zod';

/** Final statuses a caller is told about. */
export const CALLBACK_STATUSES = ['sent', 'delivered', 'undelivered', 'dead', 'expired'] as const;
export type CallbackStatus = (typeof CALLBACK_STATUSES)[number];

/**
 * A callback job. The body is fixed when the status is reached, so every retry signs and sends
 * the same bytes, and a later status never rewrites an earlier notification.
 */
export const callbackJobSchema = z.strictObject({
  messageId: z.string().min(1),
  status: z.enum(CALLBACK_STATUSES),
  caller: z.string().min(1),
  url: z.string().min(1),
  body: z.string(),
  traceId: z.string().min(1),
});
export type CallbackJob = z.infer<typeof callbackJobSchema>;

/** A callback that used its attempt budget, as kept on `callback-dead-letters`. */
export interface DeadCallback extends CallbackJob {
  reason: string;
  attempts: number;
  deadAt: string;
}

/** The job id of a callback: one per message and status, so a re-run never doubles it. */
export function callbackJobId(messageId: string, status: CallbackStatus): string {
  return `${messageId}-${status}`;
}
