import { Job, type Queue } from 'bullmq';
import { JOB_NAMES, type RecordBatch, type SendJob } from '@wechat-dispatch/core';
import type { MessageQueue, PreparedMessage } from '../domain/message-queue';

/**
 * Accepted messages into Redis in two round trips: the Lua script that creates every missing
 * record (existing ones untouched) and answers each message's place in its app's backlog, then
 * one BullMQ add per message with that place as its priority, so a quiet app's message is not
 * queued behind a busy app's backlog (docs/tenancy.md). The records go first, so a worker never
 * sees a job before its record. Not a MULTI: as with BullMQ's own addBulk (also a pipeline),
 * records that went in stay when a job add fails, so a retry with the same Idempotency-Key
 * completes them and a request without one removes them (see MessageService). Every key shares
 * the `{prefix}` hash tag (Cluster-safe). Job id = message id, so adding the same message again
 * is a no-op.
 */
export class RedisMessageQueue implements MessageQueue {
  constructor(
    private readonly records: RecordBatch,
    private readonly queue: Queue<SendJob>,
  ) {}

  /** @inheritdoc */
  async enqueue(items: readonly PreparedMessage[]): Promise<void> {
    if (items.length === 0) {
      return;
    }
    const ranks = await this.records.createMissing(items);
    // The queue shares the API's connection; BullMQ's wrapper of it knows its scripts.
    const client = await this.queue.backend.client;
    if (items.length === 1) {
      await this.jobOf(items[0]!, ranks[0]!).addJob(client);
      return;
    }
    // A batch: one pipeline, so a thousand jobs leave in one write, not a thousand.
    const tx = client.pipeline();
    items.forEach((item, i) => {
      // Queues the add script on the pipeline; its reply (the job id) comes back from exec().
      void this.jobOf(item, ranks[i]!).addJob(tx);
    });
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
  private jobOf({ record, delayMs }: PreparedMessage, priority: number): Job<SendJob> {
    const data: SendJob = { messageId: record.id, appId: record.appId, traceId: record.traceId };
    const opts = { ...this.queue.defaultJobOptions, jobId: record.id, delay: delayMs, priority };
    return new Job<SendJob>(this.queue, JOB_NAMES.sendMessage, data, opts, record.id);
  }

  /** @inheritdoc */
  async discard(items: readonly PreparedMessage[]): Promise<void> {
    await this.records.remove(items.map(({ record }) => ({ id: record.id, appId: record.appId })));
  }

  /** @inheritdoc */
  async removeJob(id: string): Promise<void> {
    await this.queue.remove(id);
  }
}
