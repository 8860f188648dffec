import type { Job } from 'bullmq';
import type { RecordStore, SendJob } from '@wechat-dispatch/core';
import type { MessageLifecycle } from './message-lifecycle';
import type { SendOutcome } from './send-outcome';

type SendProcessor = (job: Job<SendJob>, token?: string) => Promise<{ outcome: SendOutcome }>;

/**
 * Runs what follows a final status after the send processor: on `sent` the msgid index,
 * consent and callback; on a dead letter (the processor throws `UnrecoverableError` after
 * recording `dead`) the consent and callback. The record is re-read only in those two cases,
 * so the send path itself is unchanged and a bookkeeping failure can never cause a resend.
 */
export function withLifecycle(
  processor: SendProcessor,
  records: RecordStore,
  lifecycle: MessageLifecycle,
): SendProcessor {
  return async (job, token) => {
    try {
      const result = await processor(job, token);
      if (result.outcome === 'sent') {
        const stored = await records.load(job.data.messageId).catch(() => undefined);
        if (stored) {
          await lifecycle.sent(stored, stored.record.wechatMsgId);
        }
      }
      return result;
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
