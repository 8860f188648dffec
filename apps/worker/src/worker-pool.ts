import type { Job } from 'bullmq';
import {
  QUEUE_CATALOGUE,
  openWorker,
  type QueueContext,
  type QueueSpec,
  type SendJob,
} from '@wechat-dispatch/core';
import { closeWorkers, runWorkers } from './infra/worker-group';

/** Options of {@link createWorkerPool}. */
export interface WorkerPoolOptions {
  context: QueueContext;
  /** The send queue of the context's shard. @defaultValue the catalogue's (shard 0) */
  spec?: QueueSpec<SendJob>;
  processor: (job: Job<SendJob>, token?: string) => Promise<unknown>;
  concurrency: number;
  /** Lock on an active job; must exceed the longest send (timeouts × calls). */
  lockDurationMs: number;
  /** Called on every failed attempt; decides what a final failure means for the record. */
  onFailed?: (job: Job<SendJob> | undefined, err: Error) => Promise<void>;
  /** Completed send jobs kept (for the dashboard); 0 removes them at once. */
  keepCompletedJobs: number;
  /** How often stalled jobs (of a dead worker) are looked for. @defaultValue 30000 */
  stalledIntervalMs?: number;
}

/** The running send workers of one process. */
export interface WorkerPool {
  run(): void;
  close(): Promise<void>;
}

/**
 * The BullMQ Worker of a shard's send queue — one per shard whatever the number of apps — created
 * with `autorun: false` so nothing is fetched before `run()`.
 */
export function createWorkerPool(options: WorkerPoolOptions): WorkerPool {
  const { context } = options;
  const { logger } = context;
  const workers = [options.spec ?? QUEUE_CATALOGUE.send].map((spec) => {
    const worker = openWorker(spec, options.processor, context, {
      concurrency: options.concurrency,
      lockDuration: options.lockDurationMs,
      stalledInterval: options.stalledIntervalMs ?? 30000,
      // A job whose worker died twice is more likely a crash trigger than bad luck.
      maxStalledCount: 2,
      // No limiter: pauses and rate caps are per app, held by the processor.
      // Completed send jobs are removed unless kept for the dashboard: the delivery record,
      // not the job, is the audit trail (jobs that carry their own option keep theirs).
      removeOnComplete: { count: options.keepCompletedJobs },
    });
    worker.on('failed', (job, err) => {
      // Dead letters end with UnrecoverableError and are logged by the processor; anything else
      // is an unexpected exception, retried by BullMQ's safety-net attempts.
      if (err.name !== 'UnrecoverableError') {
        logger.error('send job failed unexpectedly', { queue: worker.name, jobId: job?.id, err });
      }
      options.onFailed?.(job, err).catch((handlerErr: unknown) =>
        logger.error('failed-job handler failed', {
          queue: worker.name,
          jobId: job?.id,
          err: handlerErr,
        }),
      );
    });
    worker.on('stalled', (jobId) =>
      logger.warn('stalled job recovered', { queue: worker.name, jobId }),
    );
    return worker;
  });
  return {
    run() {
      runWorkers(workers, logger);
    },
    close: () => closeWorkers(workers),
  };
}
