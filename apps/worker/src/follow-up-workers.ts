import type { Queue, Worker } from 'bullmq';
import {
  QUEUE_CATALOGUE,
  openWorker,
  type ConsentLedger,
  type DeadCallback,
  type QueueContext,
} from '@wechat-dispatch/core';
import { SsrfGuard } from '@wechat-dispatch/shared';
import type { WorkerConfig } from './config';
import { CallbackSender } from './infra/callback-sender';
import { CallerSlots } from './infra/caller-slots';
import { closeWorkers, runWorkers } from './infra/worker-group';
import { createCallbackProcessor } from './processors/callback.processor';
import type { MessageLifecycle } from './processors/message-lifecycle';
import { createEventProcessor } from './processors/wechat-event.processor';

/** How many WeChat events one process applies at once. */
const EVENT_CONCURRENCY = 20;

/** Options of {@link createFollowUpWorkers}. */
export interface FollowUpWorkersOptions {
  context: QueueContext;
  /** What delivery events move on (the app's shard's lifecycle). */
  lifecycle: Pick<MessageLifecycle, 'delivery'>;
  /** What consent events change (the app's shard's ledger). */
  consents: Pick<ConsentLedger, 'apply'>;
  /** Where callbacks go after their last attempt. */
  deadCallbacks: Queue<DeadCallback>;
  callbacks: WorkerConfig['callbacks'];
}

/** The event and callback side of a worker process. */
export interface FollowUpWorkers {
  run(): void;
  close(): Promise<void>;
}

/**
 * The Workers of `wechat-events` (WeChat's pushes, queued by the API) and `callbacks` (signed
 * POSTs to callers), each with its own concurrency, so a slow callback receiver or a burst of
 * events never takes a send slot. Created with `autorun: false`.
 */
export function createFollowUpWorkers(options: FollowUpWorkersOptions): FollowUpWorkers {
  const { context, callbacks } = options;
  const { logger } = context;
  const sender = new CallbackSender({
    ssrf: new SsrfGuard(callbacks.allowlist, undefined, callbacks.protectedPorts),
    timeoutMs: callbacks.timeoutMs,
  });
  const eventWorker = openWorker(
    QUEUE_CATALOGUE.wechatEvents,
    createEventProcessor({ lifecycle: options.lifecycle, consents: options.consents, logger }),
    context,
    { concurrency: EVENT_CONCURRENCY },
  );
  eventWorker.on('failed', (job, err) =>
    logger.error('wechat event job failed', { jobId: job?.id, err }),
  );
  const callbackWorker = openWorker(
    QUEUE_CATALOGUE.callbacks,
    createCallbackProcessor({
      sender,
      secrets: callbacks.secrets,
      deadLetters: options.deadCallbacks,
      slots: new CallerSlots(callbacks.perCaller),
      logger,
    }),
    context,
    {
      concurrency: callbacks.concurrency,
      lockDuration: Math.max(30000, 3 * callbacks.timeoutMs),
    },
  );
  const workers = [eventWorker, callbackWorker] as Worker[];
  return {
    run() {
      runWorkers(workers, logger);
    },
    async close() {
      await closeWorkers(workers);
      sender.close();
    },
  };
}
