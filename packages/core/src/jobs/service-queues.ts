import type { DefaultJobOptions, Queue } from 'bullmq';
import type { CallbackJob, DeadCallback } from '../callbacks/callback-job';
import type { DeadLetterJob } from '../dead-letters/dead-letter-store';
import type { WeChatEventJob } from '../events/wechat-event';
import { openQueue, type QueueContext } from './open-queue';
import { QUEUE_CATALOGUE, sendQueueSpec } from './queue-catalogue';
import type { SendJob } from './queues';

/** The queues of {@link QUEUE_CATALOGUE}, opened on one connection. */
export interface ServiceQueues {
  /** Every app's sends. */
  send: Queue<SendJob>;
  deadLetters: Queue<DeadLetterJob>;
  wechatEvents: Queue<WeChatEventJob>;
  callbacks: Queue<CallbackJob>;
  callbackDeadLetters: Queue<DeadCallback>;
  /** Every queue in catalogue order, for Bull Board and metrics. */
  all(): Queue[];
  /** Closes every queue (the connection stays open: it is the caller's). */
  close(): Promise<void>;
}

/** Options of {@link openServiceQueues}. */
export interface ServiceQueuesOptions {
  /** Over the catalogue's callback job options: the worker's attempts and backoff. */
  callbackJobOptions?: DefaultJobOptions;
}

/**
 * Opens every queue of the catalogue, as both processes use them: the API adds sends and events
 * and shows them all; the worker adds dead letters and callbacks. The same queues whatever the
 * number of apps.
 */
export function openServiceQueues(
  context: QueueContext,
  options: ServiceQueuesOptions = {},
): ServiceQueues {
  const send = openQueue(QUEUE_CATALOGUE.send, context);
  const deadLetters = openQueue(QUEUE_CATALOGUE.deadLetters, context);
  const wechatEvents = openQueue(QUEUE_CATALOGUE.wechatEvents, context);
  const callbacks = openQueue(QUEUE_CATALOGUE.callbacks, context, options.callbackJobOptions);
  const callbackDeadLetters = openQueue(QUEUE_CATALOGUE.callbackDeadLetters, context);
  const all = (): Queue[] => [send, deadLetters, wechatEvents, callbacks, callbackDeadLetters];
  return {
    send,
    deadLetters,
    wechatEvents,
    callbacks,
    callbackDeadLetters,
    all,
    async close() {
      await Promise.all(all().map((queue) => queue.close()));
    },
  };
}

/**
 * The send queue of every shard of `keyspaces` (shard k's keyspace at index k): shard 0's is
 * `shard0` (the catalogue's, from {@link openServiceQueues}); the others are opened on the
 * context's connection under their shard's hash tag.
 */
export function openShardSendQueues(
  context: QueueContext,
  keyspaces: readonly QueueContext['keyspace'][],
  shard0: Queue<SendJob>,
): Queue<SendJob>[] {
  return keyspaces.map((keyspace, shard) =>
    shard === 0 ? shard0 : openQueue(sendQueueSpec(shard), { ...context, keyspace }),
  );
}
