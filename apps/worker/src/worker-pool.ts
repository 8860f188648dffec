import { Queue, Worker, type Job } from 'bullmq';
import { sendQueueName, type SendJob } from '@wechat-dispatch/core';
import type { Keyspace, Logger, RedisClient } from '@wechat-dispatch/shared';
import { closeWorkers, runWorkers } from './infra/worker-group';

/** Options of {@link createWorkerPool}. */
export interface WorkerPoolOptions {
  connection: RedisClient;
  keyspace: Keyspace;
  appIds: readonly string[];
  processor: (job: Job<SendJob>, token?: string) => Promise<unknown>;
  concurrency: number;
  /** Lock on an active job; must exceed the longest send (timeouts × calls). */
  lockDurationMs: number;
  /** Called on every failed attempt; decides what a final failure means for the record. */
  onFailed?: (job: Job<SendJob> | undefined, err: Error) => Promise<void>;
  /** Completed send jobs kept per app queue (for the dashboard); 0 removes them at once. */
  keepCompletedJobs: number;
  /** How often stalled jobs (of a dead worker) are looked for. @defaultValue 30000 */
  stalledIntervalMs?: number;
  logger: Logger;
}

/** The running workers of one process and the queues they serve. */
export interface WorkerPool {
  workers: Array<Worker<SendJob>>;
  queues: Array<Queue<SendJob>>;
  run(): void;
  close(): Promise<void>;
}

/**
 * One BullMQ Worker per app queue, created with `autorun: false` so nothing is fetched before
 * `run()`; every worker and queue has an `error` listener.
 */
export function createWorkerPool(options: WorkerPoolOptions): WorkerPool {
  const { connection, keyspace, logger } = options;
  const workers = options.appIds.map((appId) => {
    const worker = new Worker<SendJob>(sendQueueName(appId), options.processor, {
      connection,
      prefix: keyspace.root,
      concurrency: options.concurrency,
      lockDuration: options.lockDurationMs,
      stalledInterval: options.stalledIntervalMs ?? 30000,
      // A job whose worker died twice is more likely a crash trigger than bad luck.
      maxStalledCount: 2,
      // No limiter: app pauses give the queue a limit only while they last (AppPauses).
      // Completed send jobs are removed unless kept for the dashboard: the delivery record,
      // not the job, is the audit trail (jobs that carry their own option keep theirs).
      removeOnComplete: { count: options.keepCompletedJobs },
      autorun: false,
    });
    worker.on('error', (err) =>
      logger.warn('worker error', { queue: worker.name, error: err.message }),
    );
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
  const queues = options.appIds.map((appId) => {
    const queue = new Queue<SendJob>(sendQueueName(appId), { connection, prefix: keyspace.root });
    queue.on('error', (err) =>
      logger.warn('queue error', { queue: queue.name, error: err.message }),
    );
    return queue;
  });
  return {
    workers,
    queues,
    run() {
      runWorkers(workers, logger);
    },
    async close() {
      await closeWorkers(workers, queues);
    },
  };
}
