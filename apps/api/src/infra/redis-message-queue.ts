import { JOB_NAMES, type RecordBatch } from '@wechat-dispatch/core';
import type { MessageQueue, PreparedMessage } from '../domain/message-queue';
import type { SendQueues } from './send-queues';

/**
 * Accepted messages into Redis: every record in one Lua script (existing ones untouched), then
 * one `addBulk` per app queue — a single MULTI, so a batch for one app is one round trip and
 * goes in whole or not at all. Job id = message id, so adding the same message again is a no-op.
 */
export class RedisMessageQueue implements MessageQueue {
  constructor(
    private readonly records: RecordBatch,
    private readonly queues: SendQueues,
  ) {}

  /** @inheritdoc */
  async enqueue(items: readonly PreparedMessage[]): Promise<void> {
    await this.records.createMissing(items);
    const byApp = new Map<string, PreparedMessage[]>();
    for (const item of items) {
      const group = byApp.get(item.record.appId) ?? [];
      group.push(item);
      byApp.set(item.record.appId, group);
    }
    await Promise.all(
      [...byApp].map(([appId, group]) =>
        this.queues.forApp(appId).addBulk(
          group.map(({ record, delayMs }) => ({
            name: JOB_NAMES.sendMessage,
            data: { messageId: record.id, traceId: record.traceId },
            opts: { jobId: record.id, delay: delayMs },
          })),
        ),
      ),
    );
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
