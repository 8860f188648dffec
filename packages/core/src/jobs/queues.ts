import { z } from 'zod';
import type { DefaultJobOptions } from 'bullmq';

/**
 * Sends are split into one BullMQ queue per WeChat app, so that a quota pause (45011/45009)
 * or a pacing limit on one app never holds back another: BullMQ's rate limiting is per queue.
 */
export function sendQueueName(appId: string): string {
  return `send-${appId}`;
}

/** The queue final failures are copied to, so operators see them in Bull Board. */
export const DEAD_LETTER_QUEUE = 'dead-letters';

/** Job names, camelCase verbs. */
export const JOB_NAMES = {
  sendMessage: 'sendMessage',
  deadLetter: 'deadLetter',
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

/**
 * Default options of every send job. Attempts are counted by the worker in the delivery record
 * (`SEND_MAX_ATTEMPTS` is the worker's setting) and the worker reschedules transient failures
 * itself; BullMQ's own attempts are a safety net for unexpected exceptions. Failed jobs are
 * trimmed and completed ones left to the worker's `SEND_KEEP_COMPLETED_JOBS` (removed by
 * default), because the records, not the jobs, are the audit trail.
 */
export const SEND_JOB_OPTIONS: DefaultJobOptions = {
  // Only an unexpected exception (a bug, not a WeChat answer) spends these: WeChat failures are
  // rescheduled by the worker without touching BullMQ's count, or end with UnrecoverableError.
  attempts: 5,
  backoff: { type: 'exponential', delay: 5000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 100000 },
};
