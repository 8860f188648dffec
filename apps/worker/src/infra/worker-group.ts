import type { Worker } from 'bullmq';
import type { Logger } from '@wechat-dispatch/shared';

/**
 * Starts Workers created with `autorun: false`; a Worker whose run loop ends with an error is
 * logged, not left as an unhandled rejection.
 */
export function runWorkers(workers: readonly Worker[], logger: Logger): void {
  for (const worker of workers) {
    worker
      .run()
      .catch((err: unknown) => logger.error('worker stopped', { queue: worker.name, err }));
  }
}

/** Closes Workers: they stop fetching and finish the jobs they hold. */
export async function closeWorkers(workers: readonly Worker[]): Promise<void> {
  await Promise.all(workers.map((w) => w.close()));
}
