import type { Job } from 'bullmq';
import type { SendJob } from '@wechat-dispatch/core';
import type { HeldJobs } from '../infra/held-jobs';

/**
 * Sets a send job aside while its app is held back by `stillHeld` (an open breaker, a pause):
 * held (delayed, noted under its app) for `ms`, so whoever ends the hold early — the worker that
 * closes the breaker, an operator lifting the pause — promotes it at once. A hold that ended
 * while this job was being set aside released the app's jobs before this one was noted, so the
 * job looks once more and promotes itself then.
 */
export async function holdFor(
  job: Job<SendJob>,
  token: string | undefined,
  appId: string,
  ms: number,
  deps: { held: HeldJobs; stillHeld: (appId: string) => Promise<boolean> },
): Promise<void> {
  await deps.held.hold(job, token, appId, Math.max(1, Math.round(ms)));
  if (!(await deps.stillHeld(appId))) {
    await job.promote().catch(() => undefined);
  }
}
