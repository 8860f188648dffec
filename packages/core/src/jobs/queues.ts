import { z } from 'zod';

/**
 * Sends are split into one BullMQ queue per WeChat app, so that a quota pause (45011/45009)
 * or a pacing limit on one app never holds back another: BullMQ's rate limiting is per queue.
 */
export function sendQueueName(appId: string): string {
  return `send-${appId}`;
}

/** The queue final failures are copied to, so operators see them in Bull Board. */
export const DEAD_LETTER_QUEUE = 'dead-letters';

/** The queue the API puts verified WeChat event pushes on; the worker applies them. */
export const WECHAT_EVENTS_QUEUE = 'wechat-events';

/** The queue of signed callbacks to callers; processed apart from sends so they never slow them. */
export const CALLBACKS_QUEUE = 'callbacks';

/** Where callbacks go after their attempt budget: kept for operators, never processed. */
export const CALLBACK_DEAD_LETTER_QUEUE = 'callback-dead-letters';

/** Job names, camelCase verbs: one per queue (see the queue catalogue). */
export const JOB_NAMES = {
  sendMessage: 'sendMessage',
  deadLetter: 'deadLetter',
  handleEvent: 'handleEvent',
  deliverCallback: 'deliverCallback',
  deadCallback: 'deadCallback',
} as const;

/**
 * What a send job carries: only the message id and the trace id. The message itself lives in
 * its delivery record, which the worker reads anyway for the sent-guard, so job payloads stay
 * small and hold no secrets.
 */
export const sendJobSchema = z.strictObject({
  messageId: z.string().min(1),
  traceId: z.string().min(1),
});
export type SendJob = z.infer<typeof sendJobSchema>;
