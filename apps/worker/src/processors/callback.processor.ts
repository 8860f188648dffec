import { DelayedError, UnrecoverableError, type Job, type Queue } from 'bullmq';
import {
  QUEUE_CATALOGUE,
  callbackJobSchema,
  type CallbackJob,
  type DeadCallback,
} from '@wechat-dispatch/core';
import {
  CALLBACK_SIGNATURE_HEADER,
  SsrfBlockedError,
  signCallback,
  type CallbackSecretEntry,
  type Logger,
} from '@wechat-dispatch/shared';
import type { CallbackSender } from '../infra/callback-sender';
import type { CallerSlots } from '../infra/caller-slots';

/** How long a callback whose caller holds all its slots waits before it is tried again. */
const SLOT_WAIT_MS = 100;

/** Dependencies of the callback processor. */
export interface CallbackProcessorDeps {
  sender: CallbackSender;
  secrets: readonly CallbackSecretEntry[];
  deadLetters: Queue<DeadCallback>;
  /** Each caller's share of the concurrent requests. */
  slots: CallerSlots;
  logger: Logger;
  now?: () => Date;
}

/**
 * Delivers one callback: signs the stored body with the caller's secret (a fresh timestamp per
 * attempt), POSTs it, and counts any 2xx as accepted. Other answers and network errors throw,
 * so BullMQ retries with its exponential backoff; the last failure, an SSRF refusal or a missing
 * secret moves the callback to `callback-dead-letters`.
 */
export function createCallbackProcessor(deps: CallbackProcessorDeps) {
  const now = deps.now ?? (() => new Date());
  const secrets = new Map(deps.secrets.map((entry) => [entry.caller, entry.secret]));

  const bury = async (job: Job<CallbackJob>, data: CallbackJob, reason: string, logger: Logger) => {
    await deps.deadLetters.add(QUEUE_CATALOGUE.callbackDeadLetters.jobName, {
      ...data,
      reason,
      attempts: job.attemptsMade + 1,
      deadAt: now().toISOString(),
    });
    logger.warn('callback dead-lettered', {
      messageId: data.messageId,
      status: data.status,
      reason,
    });
    throw new UnrecoverableError(reason);
  };

  return async (job: Job<CallbackJob>, token?: string): Promise<{ status: number }> => {
    const parsed = callbackJobSchema.safeParse(job.data);
    if (!parsed.success) {
      throw new UnrecoverableError('invalid callback job payload');
    }
    const data = parsed.data;
    if (!deps.slots.tryTake(data.caller)) {
      // Set aside without spending an attempt, so the slot goes to another caller's callback.
      await job.moveToDelayed(Date.now() + SLOT_WAIT_MS, token);
      throw new DelayedError();
    }
    try {
      return await deliver(job, data);
    } finally {
      deps.slots.release(data.caller);
    }
  };

  async function deliver(job: Job<CallbackJob>, data: CallbackJob): Promise<{ status: number }> {
    // On the job's logger, not in AsyncLocalStorage (see the send processor).
    const logger = deps.logger.child({ traceId: data.traceId });
    const secret = secrets.get(data.caller);
    if (secret === undefined) {
      return bury(job, data, `no callback secret for caller ${data.caller}`, logger);
    }
    const timestamp = Math.floor(now().getTime() / 1000);
    const headers = {
      [CALLBACK_SIGNATURE_HEADER]: signCallback(secret, data.body, timestamp),
      'Wechat-Dispatch-Event': `message.${data.status}`,
      'Wechat-Dispatch-Delivery': String(job.id),
      'user-agent': 'wechat-dispatch-callbacks',
    };
    let reason: string;
    try {
      const answer = await deps.sender.post(data.url, data.body, headers, data.caller);
      if (answer.status >= 200 && answer.status < 300) {
        logger.info('callback delivered', {
          messageId: data.messageId,
          status: data.status,
          attempt: job.attemptsMade + 1,
        });
        return { status: answer.status };
      }
      reason = `receiver answered ${answer.status}`;
    } catch (err) {
      if (err instanceof SsrfBlockedError) {
        return bury(job, data, err.message, logger);
      }
      reason = err instanceof Error ? err.message : String(err);
    }
    if (job.attemptsMade + 1 >= (job.opts.attempts ?? 1)) {
      return bury(job, data, reason, logger);
    }
    logger.warn('callback failed; will retry', {
      messageId: data.messageId,
      status: data.status,
      attempt: job.attemptsMade + 1,
      reason,
    });
    throw new Error(reason);
  }
}
