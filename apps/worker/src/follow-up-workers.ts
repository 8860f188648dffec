import { Queue, Worker } from 'bullmq';
import {
  CALLBACKS_QUEUE,
  CALLBACK_DEAD_LETTER_QUEUE,
  ConsentLedger,
  MsgIdIndex,
  WECHAT_EVENTS_QUEUE,
  type CallbackJob,
  type RecordStore,
  type WeChatEventJob,
} from '@wechat-dispatch/core';
import { SsrfGuard, type Keyspace, type Logger, type RedisClient } from '@wechat-dispatch/shared';
import type { WorkerConfig } from './config';
import { CallbackOutbox } from './infra/callback-outbox';
import { CallbackSender } from './infra/callback-sender';
import { createCallbackProcessor, type DeadCallback } from './processors/callback.processor';
import { MessageLifecycle } from './processors/message-lifecycle';
import { createEventProcessor } from './processors/wechat-event.processor';
import { closeWorkers, runWorkers } from './infra/worker-group';

/** Options of {@link createFollowUpWorkers}. */
export interface FollowUpWorkersOptions {
  connection: RedisClient;
  keyspace: Keyspace;
  records: RecordStore;
  logger: Logger;
  recordTtlSeconds: number;
  eventParkTtlSeconds: number;
  callbacks: WorkerConfig['callbacks'];
}

/** The event and callback side of a worker process. */
export interface FollowUpWorkers {
  /** Handed to the send processor: what follows `sent` and `dead`. */
  lifecycle: MessageLifecycle;
  /** Handed to the send processor, whose `sent` transition writes it. */
  msgIds: MsgIdIndex;
  /** `wechat-events`, `callbacks` and `callback-dead-letters`, for metrics and dashboards. */
  queues: Queue[];
  run(): void;
  close(): Promise<void>;
}

/**
 * The Workers of `wechat-events` (WeChat's pushes, queued by the API) and `callbacks` (signed
 * POSTs to callers), each with its own concurrency, so a slow callback receiver or a burst of
 * events never takes a send slot. Created with `autorun: false`.
 */
export function createFollowUpWorkers(options: FollowUpWorkersOptions): FollowUpWorkers {
  const { connection, keyspace, logger } = options;
  const consents = new ConsentLedger({ redis: connection, keyspace });
  const msgIds = new MsgIdIndex({
    redis: connection,
    keyspace,
    indexTtlSeconds: options.recordTtlSeconds,
    parkTtlSeconds: options.eventParkTtlSeconds,
  });
  const outbox = new CallbackOutbox({
    connection,
    keyspace,
    logger,
    maxAttempts: options.callbacks.maxAttempts,
    backoffMs: options.callbacks.backoffMs,
  });
  const lifecycle = new MessageLifecycle({
    records: options.records,
    msgIds,
    consents,
    callbacks: outbox,
    logger,
  });
  const deadCallbacks = new Queue<DeadCallback>(CALLBACK_DEAD_LETTER_QUEUE, {
    connection,
    prefix: keyspace.root,
  });
  const eventsQueue = new Queue<WeChatEventJob>(WECHAT_EVENTS_QUEUE, {
    connection,
    prefix: keyspace.root,
  });
  const sender = new CallbackSender({
    ssrf: new SsrfGuard(options.callbacks.allowlist),
    timeoutMs: options.callbacks.timeoutMs,
  });
  const eventWorker = new Worker<WeChatEventJob>(
    WECHAT_EVENTS_QUEUE,
    createEventProcessor({ lifecycle, consents, logger }),
    { connection, prefix: keyspace.root, concurrency: 20, autorun: false },
  );
  const callbackWorker = new Worker<CallbackJob>(
    CALLBACKS_QUEUE,
    createCallbackProcessor({
      sender,
      secrets: options.callbacks.secrets,
      deadLetters: deadCallbacks,
      logger,
    }),
    {
      connection,
      prefix: keyspace.root,
      concurrency: options.callbacks.concurrency,
      lockDuration: Math.max(30000, 3 * options.callbacks.timeoutMs),
      autorun: false,
    },
  );
  const workers = [eventWorker, callbackWorker] as Worker[];
  const queues = [eventsQueue, outbox.queue, deadCallbacks] as Queue[];
  for (const worker of workers) {
    worker.on('error', (err) =>
      logger.warn('worker error', { queue: worker.name, error: err.message }),
    );
  }
  eventWorker.on('failed', (job, err) =>
    logger.error('wechat event job failed', { jobId: job?.id, err }),
  );
  for (const queue of queues) {
    queue.on('error', (err) =>
      logger.warn('queue error', { queue: queue.name, error: err.message }),
    );
  }
  return {
    lifecycle,
    msgIds,
    queues,
    run() {
      runWorkers(workers, logger);
    },
    async close() {
      await closeWorkers(workers, queues);
      sender.close();
    },
  };
}
