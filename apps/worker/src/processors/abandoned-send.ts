import type { Job } from 'bullmq';
import type { DeadLetterStore, RecordStore, SendJob } from '@wechat-dispatch/core';
import type { Logger } from '@wechat-dispatch/shared';

/**
 * The errcode recorded for a message BullMQ gave up on without a WeChat answer deciding it: its
 * job stalled more often than allowed (the worker died with it, twice) or kept throwing
 * unexpected exceptions. Not a WeChat code; WeChat uses -1 and positive codes.
 */
export const ABANDONED_ERRCODE = -1000;

/** Dependencies of {@link createAbandonedSendHandler}. */
export interface AbandonedSendDeps {
  records: RecordStore;
  deadLetters: DeadLetterStore;
  logger: Logger;
  now?: () => Date;
}

/**
 * Handles a send job that failed for good. The processor dead-letters what WeChat refused
 * before it fails the job; a job that failed any other way (stall limit, exhausted safety-net
 * attempts) would otherwise leave its record `sending` or `retrying` forever, so it is marked
 * `dead` and filed as a dead letter here, where an operator can redrive it.
 */
export function createAbandonedSendHandler(deps: AbandonedSendDeps) {
  const now = deps.now ?? (() => new Date());
  return async (job: Job<SendJob> | undefined, err: Error): Promise<void> => {
    if (!job?.finishedOn || typeof job.data?.messageId !== 'string') {
      return; // not final: BullMQ will run it again
    }
    const { messageId, traceId } = job.data;
    const errmsg = `abandoned: ${err.message}`;
    const moved = await deps.records.transition(messageId, {
      // A job that ran has left `scheduled`; these are the statuses a run can leave behind.
      from: ['queued', 'retrying', 'sending'],
      to: 'dead',
      set: { lastError: { errcode: ABANDONED_ERRCODE, errmsg } },
      unset: ['nextAttemptAt'],
      event: { event: 'dead', errcode: ABANDONED_ERRCODE, errmsg },
    });
    if (!moved.ok) {
      return; // already decided (dead-lettered by the processor, sent, cancelled)
    }
    const record = await deps.records.get(messageId);
    await deps.deadLetters.bury({
      messageId,
      appId: record?.appId ?? '',
      errcode: ABANDONED_ERRCODE,
      errmsg,
      traceId,
      deadAt: now().toISOString(),
    });
    deps.logger.error('send abandoned; message dead-lettered', {
      messageId,
      jobId: job.id,
      errmsg,
    });
  };
}
