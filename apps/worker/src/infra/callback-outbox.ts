import { Queue } from 'bullmq';
import {
  CALLBACKS_QUEUE,
  callbackJobId,
  type CallbackJob,
  type CallbackStatus,
  type DeliveryRecord,
} from '@wechat-dispatch/core';
import type { Keyspace, Logger, RedisClient } from '@wechat-dispatch/shared';

/** Options of {@link CallbackOutbox}. */
export interface CallbackOutboxOptions {
  connection: RedisClient;
  keyspace: Keyspace;
  logger: Logger;
  maxAttempts: number;
  backoffMs: number;
}

/**
 * The producer side of the `callbacks` queue: one job per message and final status (job id
 * `<messageId>-<status>`, so a re-run adds nothing), with its own attempts and exponential
 * backoff, apart from the send queues.
 */
export class CallbackOutbox {
  readonly queue: Queue<CallbackJob>;

  constructor(options: CallbackOutboxOptions) {
    this.queue = new Queue<CallbackJob>(CALLBACKS_QUEUE, {
      connection: options.connection,
      prefix: options.keyspace.root,
      defaultJobOptions: {
        attempts: options.maxAttempts,
        backoff: { type: 'exponential', delay: options.backoffMs },
        removeOnComplete: { age: 24 * 3600, count: 10000 },
        removeOnFail: { age: 7 * 24 * 3600, count: 100000 },
      },
    });
    this.queue.on('error', (err) =>
      options.logger.warn('queue error', { queue: CALLBACKS_QUEUE, error: err.message }),
    );
  }

  /** Queues the callback of `record` reaching `status`, when it has a callback URL. */
  async notify(
    record: DeliveryRecord,
    status: CallbackStatus,
    url: string | undefined,
  ): Promise<void> {
    if (url === undefined) {
      return;
    }
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
    await this.queue.add('deliverCallback', job, { jobId: callbackJobId(record.id, status) });
  }

  close(): Promise<void> {
    return this.queue.close();
  }
}
