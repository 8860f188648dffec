import { Job } from 'bullmq';
import { JOB_NAMES, type RecordBatch, type SendJob } from '@wechat-dispatch/core';
import type { MessageQueue, PreparedMessage } from '../domain/message-queue';
import type { SendQueues } from './send-queues';

/**
 * Accepted messages into Redis in one round trip: the Lua script that creates every missing
 * record (existing ones untouched), then one BullMQ add per message. All are issued in the same
 * turn on the API's producer connection, whose auto-pipelining sends them as one pipeline in
 * the order issued, so Redis runs the records first and a worker never sees a job before its
 * record. Not a MULTI: as with BullMQ's own addBulk (also a pipeline), records that went in stay
 * when a job add fails, so a retry with the same Idempotency-Key completes them and a request
 * without one removes them (see MessageService). Every key shares the `{prefix}` hash tag
 * (Cluster-safe). Job id = message id, so adding the same message again is a no-op.
 */
export class RedisMessageQueue implements MessageQueue {
  constructor(
    private readonly records: RecordBatch,
    private readonly queues: SendQueues,
  ) {}

  /** @inheritdoc */
  async enqueue(items: readonly PreparedMessage[]): Promise<void> {
    if (items.length === 0) {
      return;
    }
    // Every send queue shares the API's connection; BullMQ's wrapper of it knows its scripts.
    const client = await this.queues.forApp(items[0]!.record.appId).backend.client;
    // Nothing may be awaited between these calls: the order they are issued in is the order
    // Redis runs them.
    const records = this.records.createMissing(items);
    const jobs = items.map((item) => this.jobOf(item).addJob(client));
    await Promise.all([records, ...jobs]);
  }

  /** The send job of a message: job id = message id, the queue's default options. */
  private jobOf({ record, delayMs }: PreparedMessage): Job<SendJob> {
    const queue = this.queues.forApp(record.appId);
    const data: SendJob = { messageId: record.id, traceId: record.traceId };
    const opts = { ...queue.defaultJobOptions, jobId: record.id, delay: delayMs };
    return new Job<SendJob>(queue, JOB_NAMES.sendMessage, data, opts, record.id);
  }

  /** @inheritdoc */
  async discard(items: readonly PreparedMessage[]): Promise<void> {
    await this.records.remove(items.map(({ record }) => ({ id: record.id, appId: record.appId })));
  }

  /** @inheritdoc */
  async removeJob(appId: string, id: string): Promise<void> {
    await this.queues.forApp(appId).remove(id);
  }
}
