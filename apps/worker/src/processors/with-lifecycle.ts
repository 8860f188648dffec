import type { Job } from 'bullmq';
import type { RecordStore, SendJob } from '@wechat-dispatch/core';
import type { MessageLifecycle } from './message-lifecycle';
import type { SendOutcome, SendRun } from './send-outcome';

type SendProcessor = (job: Job<SendJob>, token?: string) => Promise<SendRun>;
type TrackedProcessor = (job: Job<SendJob>, token?: string) => Promise<{ outcome: SendOutcome }>;

/**
 * Runs what follows a final status after the send processor: on `sent` the msgid index,
 * consent and callback; on `expired` the consent and callback; on a dead letter (the processor throws `UnrecoverableError` after
 * recording `dead`) the consent and callback. On `sent` the processor hands over the message it
 * claimed and WeChat's msgid, so nothing is read again; on a dead letter the record is re-read.
 * The send path itself is unchanged and a bookkeeping failure can never cause a resend. Only
 * the outcome goes back to BullMQ as the job's return value.
 */
export function withLifecycle(
  processor: SendProcessor,
  records: RecordStore,
  lifecycle: MessageLifecycle,
): TrackedProcessor {
  return async (job, token) => {
    try {
      const result = await processor(job, token);
      if (result.sent) {
        await lifecycle.sent(result.sent);
      } else if (result.expired) {
        await lifecycle.expired(result.expired);
      }
      return { outcome: result.outcome };
    } catch (err) {
      if (err instanceof Error && err.name === 'UnrecoverableError') {
        const stored = await records.load(job.data.messageId).catch(() => undefined);
        if (stored?.record.status === 'dead') {
          await lifecycle.dead(stored, stored.record.lastError?.errcode ?? 0);
        }
      }
      throw err;
    }
  };
}
