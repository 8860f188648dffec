import { Job } from 'bullmq';
import type { ChainableCommander } from 'ioredis';
import { JOB_NAMES, type RecordBatch, type SendJob } from '@wechat-dispatch/core';
import type { MessageQueue, PreparedMessage } from '../domain/message-queue';
import type { SendQueues } from '@wechat-dispatch/core';

/**
 * Accepted messages into Redis in one round trip: the Lua script that creates every missing
 * record (existing ones untouched), then one BullMQ add per message, all on the API's producer
 * connection, where Redis runs them in the order sent: the records go first, so a worker never
 * sees a job before its record. Not a MULTI: as with BullMQ's own addBulk (also a pipeline),
 * records that went in stay when a job add fails, so a retry with the same Idempotency-Key
 * completes them and a request without one removes them (see MessageService). Every key shares
 * the `{prefix}` hash tag (Cluster-safe). Job id = message id, so adding the same message again
 * is a no-op.
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
    if (items.length === 1) {
      // One message: the two commands sent back to back, nothing awaited between them, so one
      // round trip answers both. No pipeline: ioredis copies every script of the connection
      // (BullMQ's dozens) into each one, which costs a single enqueue more than a socket write.
      await Promise.all([this.records.createMissing(items), this.jobOf(items[0]!).addJob(client)]);
      return;
    }
    // A batch: one pipeline, so a thousand messages leave in one write, not a thousand.
    const tx = client.pipeline();
    // BullMQ's pipeline is an ioredis pipeline underneath, which knows the record script.
    this.records.createMissingIn(tx as unknown as ChainableCommander, items);
    for (const item of items) {
      // Queues the add script on the pipeline; its reply (the job id) comes back from exec().
      void this.jobOf(item).addJob(tx);
    }
    const replies = await tx.exec();
    for (const [err, reply] of replies ?? []) {
      if (err) {
        throw err;
      }
      // BullMQ's add scripts answer a negative code instead of an id when they refuse a job.
      if (typeof reply === 'number' && reply < 0) {
        throw new Error(`BullMQ refused a send job (code ${reply})`);
      }
    }
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
