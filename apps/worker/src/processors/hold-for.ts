import type { Job } from 'bullmq';
import type { SendJob } from '@wechat-dispatch/core';
import type { Logger } from '@wechat-dispatch/shared';
import type { HeldJobs } from '../infra/held-jobs';

/**
 * Sets a send job aside while its app is held back by `stillHeld` (an open breaker, a pause):
 * held (delayed, noted under its app) for `ms`, so whoever ends the hold early — the worker that
 * closes the breaker, an operator lifting the pause — promotes it at once. A hold that ended
 * while this job was being set aside released the app's jobs before this one was noted, so the
 * job looks once more and promotes itself then. The note and that look run after the processor
 * has returned: awaiting them kept every set-aside job's slot longer, and a paused app's jobs
 * then lost the race to the one job that renews the pause whenever it ends (a lost note only
 * makes a lifted hold wait for its own end).
 */
export async function holdFor(
  job: Job<SendJob>,
  token: string | undefined,
  appId: string,
  ms: number,
  deps: { held: HeldJobs; stillHeld: (appId: string) => Promise<boolean>; logger: Logger },
): Promise<void> {
  const { noted } = await deps.held.setAside(job, token, appId, Math.max(1, Math.round(ms)));
  noted
    .then(() => deps.stillHeld(appId))
    .then((held) => (held ? undefined : job.promote()))
    .catch((err: unknown) => deps.logger.debug('a held job did not look again', { appId, err }));
}
