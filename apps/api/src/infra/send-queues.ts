import { Queue } from 'bullmq';
import { SEND_JOB_OPTIONS, sendQueueName, type SendJob } from '@wechat-dispatch/core';
import type { Keyspace, Logger, RedisClient } from '@wechat-dispatch/shared';

/** The producer side of every app's send queue. */
export class SendQueues {
  private readonly queues = new Map<string, Queue<SendJob>>();

  constructor(
    connection: RedisClient,
    keyspace: Keyspace,
    appIds: readonly string[],
    logger: Logger,
  ) {
    for (const appId of appIds) {
      const queue = new Queue<SendJob>(sendQueueName(appId), {
        connection,
        prefix: keyspace.root,
        defaultJobOptions: SEND_JOB_OPTIONS,
      });
      queue.on('error', (err) =>
        logger.warn('queue error', { queue: queue.name, error: err.message }),
      );
      this.queues.set(appId, queue);
    }
  }

  /** The queue of one app. @throws Error for an app that is not configured */
  forApp(appId: string): Queue<SendJob> {
    const queue = this.queues.get(appId);
    if (!queue) {
      throw new Error(`no send queue for app ${appId}`);
    }
    return queue;
  }

  /** Every app with its queue. */
  entries(): Array<[appId: string, queue: Queue<SendJob>]> {
    return [...this.queues.entries()];
  }

  /** Every queue, for dashboards and metrics. */
  all(): Array<Queue<SendJob>> {
    return [...this.queues.values()];
  }

  /** Closes every queue (the shared connection stays open). */
  async close(): Promise<void> {
    await Promise.all(this.all().map((q) => q.close()));
  }
}
