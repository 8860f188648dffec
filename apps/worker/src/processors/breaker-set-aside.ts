import type { Job } from 'bullmq';
import type { SendJob } from '@wechat-dispatch/core';
import type { CircuitBreakers } from '../infra/circuit-breakers';
import type { HeldJobs } from '../infra/held-jobs';

/**
 * Sets a send job aside while its app's breaker is open: held (delayed, noted under its app)
 * until the next probe time, so the worker that closes the breaker promotes it at once. A
 * breaker that closed while this job was being held released the app's jobs before this one was
 * noted, so the job looks once more and promotes itself then.
 */
export async function setAsideForBreaker(
  job: Job<SendJob>,
  token: string | undefined,
  appId: string,
  ms: number,
  deps: { held: HeldJobs; breakers: CircuitBreakers },
): Promise<void> {
  await deps.held.hold(job, token, appId, Math.max(1, Math.round(ms)));
  if (!(await deps.breakers.isOpen(appId))) {
    await job.promote().catch(() => undefined);
  }
}
