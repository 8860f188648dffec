import { Queue, QueueKeys, type Job } from 'bullmq';
import { JOB_NAMES, legacySendQueueName, type SendJob } from '@wechat-dispatch/core';
import type { Keyspace, Logger, RedisClient } from '@wechat-dispatch/shared';

/** Job states a per-app queue of before #16 may still hold work in. */
const WAITING_STATES = ['waiting', 'prioritized', 'delayed'] as const;
/** The keys of those states and of `active`, as BullMQ names them (`QueueKeys`). */
const STATE_KEYS = ['wait', 'paused', 'prioritized', 'delayed', 'active'] as const;
const PAGE = 500;
/** Apps whose keys one pipeline checks. */
const EXISTS_BATCH = 1000;

/** Options of {@link moveLegacySendJobs}. */
export interface LegacySendQueuesOptions {
  redis: RedisClient;
  keyspace: Keyspace;
  /** The shared send queue the jobs move to. */
  queue: Queue<SendJob>;
  /** The apps that may have had a per-app queue (every app the process knows). */
  appIds: readonly string[];
  logger: Logger;
}

/**
 * Moves the jobs that a version before #16 left in its per-app send queues (`send-<appId>`) onto
 * the shared send queue, keeping each job's id, trace and remaining delay, once per stack (a
 * marker key says it is done). A job is added to the new queue before it leaves the old one, so
 * a crash in between leaves a duplicate job, never a lost one; the delivery record's sent-guard
 * makes the duplicate harmless once either copy is sent. Old workers must be stopped first
 * (docs/tenancy.md, upgrading): a job one of them holds is active and is left where it is.
 * @returns how many jobs moved
 */
export async function moveLegacySendJobs(options: LegacySendQueuesOptions): Promise<number> {
  const marker = options.keyspace.key('migrated', 'per-app-send-queues');
  if ((await options.redis.exists(marker)) === 1) {
    return 0;
  }
  let moved = 0;
  let leftActive = 0;
  for (const appId of await appsWithLegacyQueues(options)) {
    const legacy = new Queue<SendJob>(legacySendQueueName(appId), {
      connection: options.redis,
      prefix: options.keyspace.root,
    });
    try {
      moved += await moveQueue(legacy, appId, options.queue);
      leftActive += await legacy.getActiveCount();
    } finally {
      await legacy.close();
    }
  }
  if (leftActive === 0) {
    await options.redis.set(marker, new Date().toISOString());
  } else {
    options.logger.warn(
      'per-app send queues still have active jobs; stop workers of the old version',
      {
        activeJobs: leftActive,
      },
    );
  }
  if (moved > 0) {
    options.logger.info('moved jobs of per-app send queues to the shared send queue', { moved });
  }
  return moved;
}

/**
 * The apps that still have a per-app queue with jobs in it: one `EXISTS` over the keys of
 * {@link EXISTS_BATCH} apps at a time, and only when some exist one per app. A stack with
 * thousands of apps and no old queues opens no BullMQ `Queue` at all.
 */
async function appsWithLegacyQueues(options: LegacySendQueuesOptions): Promise<string[]> {
  const keys = new QueueKeys(options.keyspace.root);
  const found: string[] = [];
  for (let start = 0; start < options.appIds.length; start += EXISTS_BATCH) {
    const batch = options.appIds.slice(start, start + EXISTS_BATCH);
    const keysOf = (appId: string) =>
      STATE_KEYS.map((state) => keys.toKey(legacySendQueueName(appId), state));
    // The usual answer, no old queue at all, in one command; then one EXISTS per app to name them.
    if ((await options.redis.exists(...batch.flatMap(keysOf))) === 0) {
      continue;
    }
    const pipeline = options.redis.pipeline();
    for (const appId of batch) {
      pipeline.exists(...keysOf(appId));
    }
    const answers = (await pipeline.exec()) ?? [];
    answers.forEach(([err, count], i) => {
      if (err) {
        throw err;
      }
      if (Number(count) > 0) {
        found.push(batch[i]!);
      }
    });
  }
  return found;
}

async function moveQueue(
  legacy: Queue<SendJob>,
  appId: string,
  target: Queue<SendJob>,
): Promise<number> {
  let moved = 0;
  for (;;) {
    const jobs = await legacy.getJobs([...WAITING_STATES], 0, PAGE - 1);
    if (jobs.length === 0) {
      return moved;
    }
    for (const job of jobs) {
      await target.add(JOB_NAMES.sendMessage, dataOf(job, appId), {
        jobId: job.id,
        delay: Math.max(0, job.timestamp + job.delay - Date.now()),
        priority: 1,
      });
      await job.remove();
      moved += 1;
    }
  }
}

function dataOf(job: Job<SendJob>, appId: string): SendJob {
  const data = job.data as Partial<SendJob>;
  return {
    messageId: data.messageId ?? job.id ?? '',
    appId,
    traceId: data.traceId ?? job.id ?? '',
  };
}
