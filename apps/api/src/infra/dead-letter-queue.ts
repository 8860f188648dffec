import { Queue } from 'bullmq';
import { DEAD_LETTER_QUEUE, type DeadLetterJob } from '@wechat-dispatch/core';
import type { Keyspace, Logger, RedisClient } from '@wechat-dispatch/shared';

/**
 * The producer side of the `dead-letters` queue: nobody consumes it; the API needs it for
 * redrive (which removes a message's entry), Bull Board and the queue-depth metrics.
 */
export function createDeadLetterQueue(
  connection: RedisClient,
  keyspace: Keyspace,
  logger: Logger,
): Queue<DeadLetterJob> {
  const queue = new Queue<DeadLetterJob>(DEAD_LETTER_QUEUE, {
    connection,
    prefix: keyspace.root,
  });
  queue.on('error', (err) => logger.warn('queue error', { queue: queue.name, error: err.message }));
  return queue;
}
