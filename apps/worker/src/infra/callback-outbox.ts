import type { Queue } from 'bullmq';
import {
  QUEUE_CATALOGUE,
  callbackJobId,
  type CallbackJob,
  type CallbackStatus,
  type DeliveryRecord,
} from '@wechat-dispatch/core';

/**
 * The producer side of the `callbacks` queue: one job per message and final status (job id
 * `<messageId>-<status>`, so a re-run adds nothing), with its own attempts and exponential
 * backoff (the queue's default job options), apart from the send queues.
 */
export class CallbackOutbox {
  /** @param queue the `callbacks` queue, opened with the worker's callback job options */
  constructor(private readonly queue: Queue<CallbackJob>) {}

  /** Queues the callback of `record` reaching `status` to the message's callback `url`. */
  async notify(record: DeliveryRecord, status: CallbackStatus, url: string): Promise<void> {
    const body = JSON.stringify({
      event: `message.${status}`,
      messageId: record.id,
      status,
      record,
    });
    const job: CallbackJob = {
      messageId: record.id,
      status,
      caller: record.caller,
      url,
      body,
      traceId: record.traceId,
    };
    await this.queue.add(QUEUE_CATALOGUE.callbacks.jobName, job, {
      jobId: callbackJobId(record.id, status),
    });
  }
}
