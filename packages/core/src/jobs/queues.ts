import { z } from 'zod';

/**
 * The one queue of every app's sends. Its cost does not grow with the number of apps: a pause,
 * a rate cap or a disabled app holds only that app's jobs (moved to delayed by the worker), and
 * each job's priority is its place in its app's backlog, so one app's backlog never queues
 * ahead of another app's first message (docs/tenancy.md).
 */
export const SEND_QUEUE = 'send';

/** The name of shard `shard`'s send queue: {@link SEND_QUEUE}, or `send-s<k>` for k ≥ 1. */
export function sendQueueName(shard: number): string {
  return shard === 0 ? SEND_QUEUE : `${SEND_QUEUE}-s${shard}`;
}

/** Whether `name` is a shard's send queue: its jobs are counted as `queue="send"` in metrics. */
export function isSendQueueName(name: string): boolean {
  return name === SEND_QUEUE || /^send-s[0-9]+$/.test(name);
}

/**
 * The per-app send queue of versions before #16, read only to move what is left in it onto
 * {@link SEND_QUEUE} when a worker of this version starts.
 */
export function legacySendQueueName(appId: string): string {
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
 * What a send job carries: the message id, its app (so a held app's jobs are set aside before
 * the record is read) and the trace id. The message itself lives in its delivery record, which
 * the worker reads anyway for the sent-guard, so job payloads stay small and hold no secrets.
 */
export const sendJobSchema = z.strictObject({
  messageId: z.string().min(1),
  appId: z.string().min(1),
  traceId: z.string().min(1),
});
export type SendJob = z.infer<typeof sendJobSchema>;
