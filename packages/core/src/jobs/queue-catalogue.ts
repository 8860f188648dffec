import type { DefaultJobOptions } from 'bullmq';
import type { CallbackJob, DeadCallback } from '../callbacks/callback-job';
import type { DeadLetterJob } from '../dead-letters/dead-letter-store';
import type { WeChatEventJob } from '../events/wechat-event';
import {
  CALLBACKS_QUEUE,
  CALLBACK_DEAD_LETTER_QUEUE,
  DEAD_LETTER_QUEUE,
  JOB_NAMES,
  WECHAT_EVENTS_QUEUE,
  SEND_QUEUE,
  sendQueueName,
  type SendJob,
} from './queues';

/** One queue of the service: its name, the name of its jobs and their default options. */
export interface QueueSpec<Data> {
  readonly name: string;
  readonly jobName: (typeof JOB_NAMES)[keyof typeof JOB_NAMES];
  readonly defaultJobOptions: DefaultJobOptions;
  /** Type only, never set: what its jobs carry, so a queue opened from the spec is typed. */
  readonly data?: Data;
}

/**
 * Default options of every send job. Attempts are counted by the worker in the delivery record
 * (`SEND_MAX_ATTEMPTS` is the worker's setting) and the worker reschedules transient failures
 * itself; BullMQ's own attempts are a safety net for unexpected exceptions. Failed jobs are
 * trimmed and completed ones left to the worker's `SEND_KEEP_COMPLETED_JOBS` (removed by
 * default), because the records, not the jobs, are the audit trail.
 */
export const SEND_JOB_OPTIONS: DefaultJobOptions = {
  // Only an unexpected exception (a bug, not a WeChat answer) spends these: WeChat failures are
  // rescheduled by the worker without touching BullMQ's count, or end with UnrecoverableError.
  attempts: 5,
  backoff: { type: 'exponential', delay: 5000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 100000 },
};

/** Job options of event jobs: a handful of retries for Redis hiccups, then kept as failed. */
const WECHAT_EVENT_JOB_OPTIONS = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { age: 3600, count: 10000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 100000 },
} as const satisfies DefaultJobOptions;

/**
 * How long callback jobs are kept; their attempts and backoff are the worker's settings
 * (`CALLBACK_MAX_ATTEMPTS`, `CALLBACK_BACKOFF_MS`, see {@link callbackJobOptions}).
 */
const CALLBACK_RETENTION: DefaultJobOptions = {
  removeOnComplete: { age: 24 * 3600, count: 10000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 100000 },
};

/** The default options of callback jobs under the worker's attempt budget and backoff. */
export function callbackJobOptions(maxAttempts: number, backoffMs: number): DefaultJobOptions {
  return {
    ...CALLBACK_RETENTION,
    attempts: maxAttempts,
    backoff: { type: 'exponential', delay: backoffMs },
  };
}

const send: QueueSpec<SendJob> = {
  name: SEND_QUEUE,
  jobName: JOB_NAMES.sendMessage,
  defaultJobOptions: SEND_JOB_OPTIONS,
};

const deadLetters: QueueSpec<DeadLetterJob> = {
  name: DEAD_LETTER_QUEUE,
  jobName: JOB_NAMES.deadLetter,
  defaultJobOptions: {},
};

const wechatEvents: QueueSpec<WeChatEventJob> = {
  name: WECHAT_EVENTS_QUEUE,
  jobName: JOB_NAMES.handleEvent,
  defaultJobOptions: WECHAT_EVENT_JOB_OPTIONS,
};

const callbacks: QueueSpec<CallbackJob> = {
  name: CALLBACKS_QUEUE,
  jobName: JOB_NAMES.deliverCallback,
  defaultJobOptions: CALLBACK_RETENTION,
};

const callbackDeadLetters: QueueSpec<DeadCallback> = {
  name: CALLBACK_DEAD_LETTER_QUEUE,
  jobName: JOB_NAMES.deadCallback,
  defaultJobOptions: {},
};

/**
 * The send queue of shard `shard` (`SEND_SHARDS`): shard 0's is {@link SEND_QUEUE} itself,
 * shard k ≥ 1's is `send-s<k>` under that shard's hash tag, so Bull Board tells them apart.
 */
export function sendQueueSpec(shard: number): QueueSpec<SendJob> {
  return shard === 0 ? send : { ...send, name: sendQueueName(shard) };
}

/**
 * Every queue the service uses, in one place: the API produces sends and events, the worker
 * consumes them and produces dead letters and callbacks. Both processes open their queues from
 * here (`openServiceQueues`), so a name, job name or option cannot drift between them, and Bull
 * Board shows exactly this list (`/admin/queues`, CONTRACT).
 */
export const QUEUE_CATALOGUE = {
  /** Every app's sends, one queue whatever the number of apps (see {@link SEND_QUEUE}). */
  send,
  /** A copy of every final send failure, never processed; the API pages the records' dead index. */
  deadLetters,
  /** Verified WeChat pushes (delivery results, consent changes), queued by the API. */
  wechatEvents,
  /** Signed POSTs to callers, one per message and final status. */
  callbacks,
  /** Callbacks that used their attempt budget, kept for operators. */
  callbackDeadLetters,
} as const;
