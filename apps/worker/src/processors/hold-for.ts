import type { Job } from 'bullmq';
import type { SendJob } from '@wechat-dispatch/core';
import type { Logger } from '@wechat-dispatch/shared';
import type { HeldJobs } from '../infra/held-jobs';

/**
 * Sets a send job aside while its app is held back by `stillHeld` (an open breaker, a pause):
 * held (delayed, noted under its app) for `ms`, so whoever ends the hold early — the worker that
 * closes the breaker, an operator lifting the pause — promotes it at once. A hold that ended
 * while this job was being set aside released the app's jobs before this one was noted, so the
 * job looks once more and promotes itself then. That look runs after the processor has returned:
 * awaiting it kept every set-aside job's slot one round trip longer, and a paused app's jobs then
 * lost the race to the one job that renews the pause whenever it ends.
 */
export async function holdFor(
  job: Job<SendJob>,
  token: string | undefined,
  appId: string,
  ms: number,
  deps: { held: HeldJobs; stillHeld: (appId: string) => Promise<boolean>; logger: Logger },
): Promise<void> {
  await deps.held.hold(job, token, appId, Math.max(1, Math.round(ms)));
  deps
    .stillHeld(appId)
    .then((held) => (held ? undefined : job.promote()))
    .catch((err: unknown) => deps.logger.debug('a held job did not look again', { appId, err }));
}
