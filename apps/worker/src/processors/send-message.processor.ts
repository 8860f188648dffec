import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import {
  sendJobSchema,
  type AppDirectory,
  type DeadLetterStore,
  type MessageStatus,
  type MsgIdIndex,
  type RecordStore,
  type SendJob,
} from '@wechat-dispatch/core';
import type { Logger } from '@wechat-dispatch/shared';
import {
  sendWithToken,
  type AccessTokenService,
  type SendResult,
  type WeChatClient,
} from '@wechat-dispatch/wechat-client';
import { buildWeChatRequest, type WeChatRequest } from '../domain/build-wechat-request';
import { decideFailure, type RetryPolicy } from '../domain/classify-failure';
import { describeSendError } from '../domain/describe-error';
import type { AppPauses } from '../infra/app-pauses';
import type { CircuitBreakers } from '../infra/circuit-breakers';
import type { HeldJobs } from '../infra/held-jobs';
import { RecentTokens } from '../infra/recent-tokens';
import { PACE_SOON_MS, type SendPacer } from '../infra/send-pacer';
import { holdFor } from './hold-for';
import type { SendHooks, SendRun } from './send-outcome';

/** Dependencies of the send processor. */
export interface SendProcessorDeps {
  records: RecordStore;
  client: WeChatClient;
  tokens: AccessTokenService;
  policy: RetryPolicy;
  deadLetters: DeadLetterStore;
  /** Written by the `sent` transition itself, so delivery events find the record. */
  msgIds: MsgIdIndex;
  pauses: AppPauses;
  /** Per-app circuit breakers: an open one sets the app's sends aside without an attempt. */
  breakers: CircuitBreakers;
  pacer: SendPacer;
  /** The apps as this process knows them: a disabled or unknown app's jobs are held. */
  apps: AppDirectory;
  held: HeldJobs;
  /** Sends per second of an app without its own `ratePerSec`; 0 = no cap. */
  defaultRatePerSec: number;
  logger: Logger;
  hooks?: SendHooks;
  now?: () => Date;
}

/** Statuses after which WeChat already has the message: never send again (the sent-guard). */
const ALREADY_SENT: ReadonlySet<MessageStatus> = new Set(['sent', 'delivered', 'undelivered']);
/** Statuses a send may start from; `sending` is a re-run after a crash or stall. */
const SENDABLE: readonly MessageStatus[] = ['queued', 'scheduled', 'retrying', 'sending'];

function callWeChat(
  client: WeChatClient,
  request: WeChatRequest,
  token: string,
): Promise<SendResult> {
  switch (request.api) {
    case 'template':
      return client.sendTemplate(token, request.body);
    case 'subscribe':
      return client.sendSubscribe(token, request.body);
    case 'bizsend':
      return client.sendBizSubscribe(token, request.body);
  }
}

/**
 * The processor of send jobs: holds first — a disabled or unknown app's job is held
 * (`HeldJobs`), a rate-capped app's job waits for its own slot, a paused app's job (the claim
 * answers the pause) waits out the pause, each as a delayed job that spends no attempt — then
 * sent-guard → claim (`sending`) → one WeChat call with the token protocol → record `sent`
 * before the job completes; failures are decided by errcode class and either rescheduled
 * (BullMQ `DelayedError`, so BullMQ's own attempt budget is untouched and the record counts
 * attempts) or dead-lettered (`UnrecoverableError`).
 */
export function createSendProcessor(deps: SendProcessorDeps) {
  const now = deps.now ?? (() => new Date());
  const tokens = new RecentTokens(deps.tokens);
  // Held jobs of a paused app, or of one with an open breaker, are promoted when that ends early.
  const { held, logger: baseLogger } = deps;
  const whilePaused = {
    held,
    logger: baseLogger,
    stillHeld: (id: string) => deps.pauses.isPaused(id),
  };
  const whileBreakerOpen = {
    held,
    logger: baseLogger,
    stillHeld: (id: string) => deps.breakers.isOpen(id),
  };

  return async (job: Job<SendJob>, token?: string): Promise<SendRun> => {
    const parsed = sendJobSchema.safeParse(job.data);
    if (!parsed.success) {
      throw new UnrecoverableError('invalid send job payload');
    }
    const { messageId, appId, traceId } = parsed.data;
    // The trace id goes on the job's logger rather than into AsyncLocalStorage: once enabled,
    // AsyncLocalStorage hooks every promise the process creates (BullMQ's, ioredis', the HTTP
    // transport's), a cost paid on every send (docs/benchmarks.md, design figures: worker).
    const logger = deps.logger.child({ messageId, traceId, jobId: job.id, queue: job.queueName });
    const app = deps.apps.get(appId);
    if (!app?.enabled) {
      await deps.held.hold(job, token, appId);
      logger.debug('send held: its app is not enabled', { appId, known: app !== undefined });
      // The app may have been enabled while this job was being held, after this process's
      // release ran: promote it now rather than at the backstop.
      if (deps.apps.get(appId)?.enabled) {
        await deps.held.release(appId);
      }
      return setAside();
    }
    const perSecond = app.ratePerSec ?? deps.defaultRatePerSec;
    const slotInMs = await deps.pacer.reserve(appId, perSecond, messageId);
    if (slotInMs > PACE_SOON_MS) {
      await job.moveToDelayed(Date.now() + slotInMs, token);
      return setAside();
    }
    // Read and claim in one step: the pause, the sent-guard and the move to `sending` are one
    // script.
    const claim = await deps.records.claim(messageId, {
      from: SENDABLE,
      to: 'sending',
      event: { event: 'sending' },
      appId,
      breaker: deps.breakers.claimOption,
    });
    if (!claim.ok && claim.pausedMs !== undefined) {
      await holdFor(job, token, appId, claim.pausedMs, whilePaused);
      return setAside();
    }
    if (!claim.ok && claim.breakerMs !== undefined) {
      await holdFor(job, token, appId, claim.breakerMs, whileBreakerOpen);
      return setAside();
    }
    if (!claim.ok) {
      if (claim.current === undefined) {
        logger.warn('delivery record not found; dropping the job');
        return { outcome: 'missing' as const };
      }
      if (ALREADY_SENT.has(claim.current)) {
        logger.info('message already sent; not sending again', { status: claim.current });
        deps.hooks?.onOutcome?.(claim.appId ?? '', 'already_sent', undefined);
        return { outcome: 'already_sent' as const };
      }
      logger.info('message no longer sendable', { status: claim.current });
      return {
        outcome: claim.current === 'cancelled' ? ('cancelled' as const) : ('missing' as const),
      };
    }
    const { attempt, probe } = claim;
    const { record, message } = claim.stored;
    const expiresAt = message.expiresAt ?? record.expiresAt;
    const expiresMs = expiresAt === undefined ? Infinity : Date.parse(expiresAt);
    if (expiresMs <= now().getTime()) {
      // Stale: never sent after its expiresAt (a verification code an hour late is worse than none).
      if (probe) {
        await deps.breakers.releaseProbe(appId);
      }
      await deps.records.transition(messageId, {
        from: ['sending'],
        to: 'expired',
        unset: ['nextAttemptAt'],
        event: { event: 'expired', attempt, expiresAt },
        appId,
      });
      deps.hooks?.onOutcome?.(appId, 'expired', undefined);
      logger.info('message expired before it was sent', { expiresAt });
      return { outcome: 'expired' as const, expired: claim.stored };
    }
    /** A wake-up time no later than the message's expiry, so it ends `expired` on time. */
    const notAfterExpiry = (ms: number) => Math.min(ms, expiresMs);

    const started = performance.now();
    try {
      const request = buildWeChatRequest(messageId, message);
      const { result, tokenRefreshed } = await sendWithToken(tokens, record.appId, (accessToken) =>
        deps.pacer.paced(record.appId, perSecond, () =>
          callWeChat(deps.client, request, accessToken),
        ),
      );
      const durationMs = performance.now() - started;
      const msgId = result.msgid;
      const index = msgId ? deps.msgIds.entryFor(record.appId, msgId, messageId) : undefined;
      const moved = await deps.records.transition(messageId, {
        from: ['sending'],
        to: 'sent',
        set: { wechatMsgId: msgId, sentAt: now().toISOString() },
        unset: ['nextAttemptAt'],
        incrementAttempts: true,
        event: { event: 'sent', attempt, wechatMsgId: msgId, tokenRefreshed },
        index,
        appId,
      });
      deps.breakers.answered(appId);
      deps.hooks?.onOutcome?.(record.appId, 'sent', 0, durationMs);
      // Per-message success is a debug line (#8); failures, retries and dead letters stay at
      // warn/info, and the metrics count every send.
      logger.debug('message sent', {
        attempt,
        wechatMsgId: result.msgid,
        durationMs: Math.round(durationMs),
      });
      return {
        outcome: 'sent' as const,
        sent: {
          stored: claim.stored,
          msgId,
          indexed: index !== undefined && moved.ok,
          parked: moved.ok ? moved.parked : undefined,
        },
      };
    } catch (err) {
      const durationMs = performance.now() - started;
      const facts = describeSendError(err);
      const decision = decideFailure(facts, attempt, deps.policy, now());
      if (facts.errorClass !== 'transient') {
        deps.breakers.answered(appId);
      } else {
        const last = decision.kind === 'dead';
        const breaker = await deps.breakers.failed(appId, messageId, { probe, last });
        if (breaker.open) {
          // WeChat is down for the whole app, not for this message: no attempt is spent.
          const { errcode, errmsg } = facts.lastError;
          const waitMs = notAfterExpiry(now().getTime() + breaker.waitMs) - now().getTime();
          const nextAttemptAt = new Date(now().getTime() + waitMs).toISOString();
          deps.hooks?.onOutcome?.(record.appId, 'wait', errcode, durationMs);
          deps.hooks?.onWait?.(record.appId, 'breaker_open', breaker.waitMs);
          await deps.records.transition(messageId, {
            from: ['sending'],
            to: 'retrying',
            set: { lastError: facts.lastError, nextAttemptAt },
            event: {
              event: 'breaker_open',
              attempt,
              errcode,
              errmsg,
              errorClass: facts.errorClass,
              nextAttemptAt,
            },
          });
          logger.info("send set aside: the app's circuit breaker is open", {
            attempt,
            errcode,
            probe,
          });
          await holdFor(job, token, appId, waitMs, whileBreakerOpen);
          throw new DelayedError();
        }
      }
      const { errcode, errmsg } = decision.lastError;
      deps.hooks?.onOutcome?.(record.appId, decision.kind, errcode, durationMs);

      if (decision.kind === 'dead') {
        await deps.records.transition(messageId, {
          from: ['sending'],
          to: 'dead',
          set: { lastError: decision.lastError },
          unset: ['nextAttemptAt'],
          incrementAttempts: true,
          event: { event: 'dead', attempt, errcode, errmsg, errorClass: facts.errorClass },
          appId,
        });
        await deps.deadLetters.bury({
          messageId,
          appId: record.appId,
          errcode,
          errmsg,
          traceId,
          deadAt: now().toISOString(),
        });
        logger.warn('message dead-lettered', {
          attempt,
          errcode,
          errmsg,
          errorClass: facts.errorClass,
        });
        throw new UnrecoverableError(`errcode ${errcode}: ${errmsg}`);
      }

      const nextAttemptAt = new Date(notAfterExpiry(now().getTime() + decision.delayMs));
      const counts = decision.kind === 'retry';
      await deps.records.transition(messageId, {
        from: ['sending'],
        to: 'retrying',
        set: { lastError: decision.lastError, nextAttemptAt: nextAttemptAt.toISOString() },
        incrementAttempts: counts,
        event: {
          event: counts ? 'attempt_failed' : 'paused',
          attempt,
          errcode,
          errmsg,
          errorClass: facts.errorClass,
          nextAttemptAt: nextAttemptAt.toISOString(),
        },
      });
      if (!counts) {
        // Quota and token-config errors hold back the whole app, not just this message.
        deps.hooks?.onWait?.(record.appId, facts.errorClass, decision.delayMs);
        const { pauseMs } = await deps.pauses.pause(
          record.appId,
          facts.errorClass,
          decision.delayMs,
          errcode,
        );
        logger.info('send paused with its app', { errcode, errorClass: facts.errorClass });
        await holdFor(job, token, record.appId, pauseMs, whilePaused);
        throw new DelayedError();
      }
      logger.warn('send failed; will retry', {
        attempt,
        errcode,
        errmsg,
        errorClass: facts.errorClass,
        delayMs: Math.round(decision.delayMs),
      });
      await job.moveToDelayed(nextAttemptAt.getTime(), token);
      throw new DelayedError();
    }
  };
}

/** Ends a run whose job was moved to delayed: BullMQ leaves it there and counts no attempt. */
function setAside(): never {
  throw new DelayedError();
}
