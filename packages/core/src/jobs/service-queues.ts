import type { DefaultJobOptions, Queue } from 'bullmq';
import type { CallbackJob, DeadCallback } from '../callbacks/callback-job';
import type { DeadLetterJob } from '../dead-letters/dead-letter-store';
import type { WeChatEventJob } from '../events/wechat-event';
import { openQueue, type QueueContext } from './open-queue';
import { QUEUE_CATALOGUE } from './queue-catalogue';
import type { SendJob } from './queues';

/** Each configured app's send queue. */
export class SendQueues {
  private readonly queues: Map<string, Queue<SendJob>>;

  constructor(
    private readonly context: QueueContext,
    appIds: readonly string[],
  ) {
    this.queues = new Map(
      appIds.map((appId) => [appId, openQueue(QUEUE_CATALOGUE.send(appId), context)]),
    );
  }

  /** The queue of one app, opened on first use for an app added at run time (#16). */
  forApp(appId: string): Queue<SendJob> {
    let queue = this.queues.get(appId);
    if (!queue) {
      queue = openQueue(QUEUE_CATALOGUE.send(appId), this.context);
      this.queues.set(appId, queue);
    }
    return queue;
  }

  /** Every app with its queue. */
  entries(): Array<[appId: string, queue: Queue<SendJob>]> {
    return [...this.queues.entries()];
  }

  /** Every send queue. */
  all(): Array<Queue<SendJob>> {
    return [...this.queues.values()];
  }
}

/** The queues of {@link QUEUE_CATALOGUE}, opened on one connection. */
export interface ServiceQueues {
  send: SendQueues;
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
 * Opens every queue of the catalogue for these apps, as both processes use them: the API adds
 * sends and events and shows them all; the worker adds dead letters and callbacks.
 */
export function openServiceQueues(
  context: QueueContext,
  appIds: readonly string[],
  options: ServiceQueuesOptions = {},
): ServiceQueues {
  const send = new SendQueues(context, appIds);
  const deadLetters = openQueue(QUEUE_CATALOGUE.deadLetters, context);
  const wechatEvents = openQueue(QUEUE_CATALOGUE.wechatEvents, context);
  const callbacks = openQueue(QUEUE_CATALOGUE.callbacks, context, options.callbackJobOptions);
  const callbackDeadLetters = openQueue(QUEUE_CATALOGUE.callbackDeadLetters, context);
  const all = (): Queue[] => [
    ...send.all(),
    deadLetters,
    wechatEvents,
    callbacks,
    callbackDeadLetters,
  ];
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
