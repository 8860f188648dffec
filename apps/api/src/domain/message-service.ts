import {
  isMessageId,
  type AppDirectory,
  newMessageId,
  normalizeMessage,
  type DeliveryRecord,
  type Message,
  type MessageBody,
  type MessageStatus,
  type MessageType,
  type RecordStore,
} from '@wechat-dispatch/core';
import {
  ConflictError,
  DependencyUnavailableError,
  NotFoundError,
  type Logger,
} from '@wechat-dispatch/shared';
import type { IdempotencyGuard, IdempotentOutcome } from './idempotency';
import type { MessageAdmission } from './message-admission';
import type { MessageQueue, PreparedMessage } from './message-queue';
import { DEFAULT_SEND_AT_MAX_DAYS, resolveTiming } from './message-timing';
import { requestFingerprint } from './request-fingerprint';
import { resolveAppId } from './resolve-app';
import { isCompatMsgId } from './wechat-compat';
import type { CallerScope } from './caller-scope';
import { storageCall } from './storage-call';
import { canSee, type Viewer } from './visibility';

/** Who asks, for the record and the logs. */
export interface RequestContext {
  caller: string;
  traceId: string;
  /** The apps the caller may send for. @defaultValue every app */
  scope?: CallerScope;
}

/** The answer to an accepted message. */
export type Accepted = {
  id: string;
  status: Extract<MessageStatus, 'queued' | 'scheduled'>;
};

/** The answer to an accepted batch: ids in the order of the messages. */
export type AcceptedBatch = {
  ids: string[];
};

/** Dependencies of {@link MessageService}. */
export interface MessageServiceDeps {
  records: Pick<RecordStore, 'get' | 'load' | 'transition'>;
  /** The shard of an app (`SEND_SHARDS`), named by its messages' ids. @defaultValue shard 0 */
  shardOf?: (appId: string) => number;
  queue: MessageQueue;
  idempotency: IdempotencyGuard;
  /** The apps messages may name (WECHAT_APPS or the registry). */
  apps: AppDirectory;
  logger: Logger;
  /** Called once per accepted request, for metrics. */
  onAccepted?: (types: readonly MessageType[], caller: string) => void;
  /** Callback URL checks and consent reservations; without it neither applies. */
  admission?: MessageAdmission;
  /** Resolves the compat routes' numeric msgids, so `get` takes them too. @defaultValue none */
  msgIds?: { resolve(msgid: string): Promise<string | undefined> };
  /** How far ahead `sendAt` may be (`SEND_AT_MAX_DAYS`). @defaultValue 30 */
  sendAtMaxDays?: number;
  now?: () => Date;
}

/** Statuses a message can be cancelled from: nobody is sending it right now. */
const CANCELLABLE: readonly MessageStatus[] = ['queued', 'scheduled', 'retrying'];

/**
 * Accepts messages (one or a batch), reads and cancels them. A message is accepted only when its
 * record and its send job are both in Redis; with an Idempotency-Key, repeats are answered from
 * the first request and a failed request can be retried without doubling anything.
 */
export class MessageService {
  private readonly now: () => Date;

  constructor(private readonly deps: MessageServiceDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /**
   * Enqueues one validated message.
   * @throws ValidationError when its app is unknown or missing, or its times are out of range
   * @throws NotFoundError when its app is outside the caller's scope
   * @throws AppError 409 `app_disabled` when its app is disabled
   * @throws ConflictError when its Idempotency-Key was used for another request
   * @throws DependencyUnavailableError when Redis does not take it
   */
  async accept(
    body: MessageBody,
    ctx: RequestContext,
    idempotencyKey?: string,
  ): Promise<IdempotentOutcome<Accepted>> {
    const appId = resolveAppId(body.appId, this.deps.apps, 'appId', ctx.scope);
    const messages = [this.timed(normalizeMessage(body, appId), '')];
    return this.acceptAll('messages.create', body, messages, ctx, idempotencyKey, (items) => ({
      id: items[0]!.record.id,
      status: items[0]!.record.status as Accepted['status'],
    }));
  }

  /**
   * Enqueues a batch of validated messages, all or nothing.
   * @throws ValidationError naming `messages[i].appId` when an item's app is unknown or missing
   * @throws NotFoundError naming `messages[i].appId` when an item's app is outside the scope
   * @throws ConflictError when its Idempotency-Key was used for another request
   * @throws DependencyUnavailableError when Redis does not take it
   */
  async acceptBatch(
    bodies: readonly MessageBody[],
    ctx: RequestContext,
    idempotencyKey?: string,
  ): Promise<IdempotentOutcome<AcceptedBatch>> {
    const messages = bodies.map((body, i) =>
      this.timed(
        normalizeMessage(
          body,
          resolveAppId(body.appId, this.deps.apps, `messages[${i}].appId`, ctx.scope),
        ),
        `messages[${i}].`,
      ),
    );
    return this.acceptAll('messages.batch', bodies, messages, ctx, idempotencyKey, (items) => ({
      ids: items.map((item) => item.record.id),
    }));
  }

  /**
   * The delivery record of a message the viewer may see, by message id or compat msgid.
   * @throws NotFoundError for an unknown id or another caller's message
   */
  async get(id: string, viewer: Viewer): Promise<DeliveryRecord> {
    const messageId = await this.messageIdOf(id);
    const record = messageId
      ? await storageCall(() => this.deps.records.get(messageId))
      : undefined;
    if (!record || !canSee(viewer, record)) {
      throw new NotFoundError(`No message with id ${id}`);
    }
    return record;
  }

  /** The message id `id` names: itself, or the message of a compat msgid. */
  private async messageIdOf(id: string): Promise<string | undefined> {
    if (isMessageId(id)) {
      return id;
    }
    const { msgIds } = this.deps;
    return msgIds && isCompatMsgId(id) ? storageCall(() => msgIds.resolve(id)) : undefined;
  }

  /**
   * Cancels a queued, scheduled or retrying message. The status change is one atomic step, so
   * either it wins and no worker will send the message, or a worker has claimed it and this
   * answers 409.
   * @throws NotFoundError for an unknown id or another caller's message
   * @throws ConflictError when the message is in any other status
   */
  async cancel(requested: string, viewer: Viewer): Promise<{ id: string; status: 'cancelled' }> {
    const record = await this.get(requested, viewer);
    const id = record.id;
    const result = await storageCall(() =>
      this.deps.records.transition(id, {
        from: CANCELLABLE,
        to: 'cancelled',
        unset: ['nextAttemptAt'],
        event: { event: 'cancelled', caller: viewer.caller },
        appId: record.appId,
      }),
    );
    if (!result.ok) {
      if (result.current === undefined) {
        throw new NotFoundError(`No message with id ${id}`);
      }
      throw new ConflictError(`The message is ${result.current}; it can no longer be cancelled`);
    }
    await this.deps.admission?.onCancelled(id, viewer.traceId);
    // The worker would skip the job anyway (its claim fails on `cancelled`); removing it only
    // keeps the queue tidy, so a failure here is not the caller's problem.
    await this.deps.queue.removeJob(id).catch((err: unknown) => {
      this.deps.logger.warn('job of a cancelled message not removed', {
        messageId: id,
        traceId: viewer.traceId,
        err,
      });
    });
    this.deps.logger.info('message cancelled', {
      messageId: id,
      previous: result.previous,
      traceId: viewer.traceId,
    });
    return { id, status: 'cancelled' };
  }

  /** `message` with its times checked and `ttlSeconds` resolved (see {@link resolveTiming}). */
  private timed(message: Message, path: string): Message {
    const maxDays = this.deps.sendAtMaxDays ?? DEFAULT_SEND_AT_MAX_DAYS;
    return resolveTiming(message, this.now(), maxDays, path);
  }

  private async acceptAll<R extends Accepted | AcceptedBatch>(
    operation: string,
    body: unknown,
    messages: readonly Message[],
    ctx: RequestContext,
    idempotencyKey: string | undefined,
    answer: (items: readonly PreparedMessage[]) => R,
  ): Promise<IdempotentOutcome<R>> {
    await this.deps.admission?.checkCallbacks(messages, ctx.caller, operation === 'messages.batch');
    const fresh = messages.map((m) =>
      newMessageId(this.now().getTime(), this.deps.shardOf?.(m.appId) ?? 0),
    );
    if (idempotencyKey === undefined) {
      const items = this.prepare(messages, fresh, ctx);
      await this.enqueue(items, { discardOnFailure: true });
      return { response: answer(items), replayed: false };
    }
    const request = {
      caller: ctx.caller,
      key: idempotencyKey,
      fingerprint: requestFingerprint(operation, body),
      ids: fresh,
    };
    return storageCall(() =>
      this.deps.idempotency.run(request, async (ids) => {
        const items = this.prepare(messages, ids, ctx);
        // The ids are bound to the key: a retry reuses them, so whatever got in stays and is
        // completed rather than removed (removing could race a job that did get in).
        await this.enqueue(items, { discardOnFailure: false });
        return answer(items);
      }),
    );
  }

  private prepare(
    messages: readonly Message[],
    ids: readonly string[],
    ctx: RequestContext,
  ): PreparedMessage[] {
    const now = this.now();
    return messages.map((message, i) => {
      const delayMs = message.sendAt ? Math.max(0, Date.parse(message.sendAt) - now.getTime()) : 0;
      return {
        delayMs,
        message,
        record: {
          id: ids[i]!,
          type: message.type,
          appId: message.appId,
          toUser: message.toUser,
          templateId: message.templateId,
          status: delayMs > 0 ? 'scheduled' : 'queued',
          attempts: 0,
          createdAt: now.toISOString(),
          updatedAt: now.toISOString(),
          sendAt: message.sendAt,
          expiresAt: message.expiresAt,
          caller: ctx.caller,
          metadata: message.metadata,
          traceId: ctx.traceId,
        },
      };
    });
  }

  private async enqueue(
    items: readonly PreparedMessage[],
    options: { discardOnFailure: boolean },
  ): Promise<void> {
    const first = items[0]!.record;
    const releaseConsents = await this.deps.admission?.reserve(items);
    try {
      await this.deps.queue.enqueue(items);
    } catch (err) {
      await releaseConsents?.().catch((releaseErr: unknown) => {
        this.deps.logger.error('consent reservations left behind after a failed enqueue', {
          traceId: first.traceId,
          err: releaseErr,
        });
      });
      if (options.discardOnFailure) {
        await this.deps.queue.discard(items).catch((cleanupErr: unknown) => {
          this.deps.logger.error('records left behind after a failed enqueue', {
            traceId: first.traceId,
            messageIds: items.map((item) => item.record.id),
            err: cleanupErr,
          });
        });
      }
      throw new DependencyUnavailableError(undefined, err);
    }
    this.deps.onAccepted?.(
      items.map((item) => item.record.type),
      first.caller,
    );
    // Per-request success lines are debug: at info they would cost the send path a formatted,
    // redacted line per message; the accepted counter (metrics) and the record keep the facts.
    if (items.length === 1) {
      this.deps.logger.debug('message accepted', {
        traceId: first.traceId,
        messageId: first.id,
        appId: first.appId,
        type: first.type,
        status: first.status,
      });
    } else {
      this.deps.logger.debug('batch accepted', {
        traceId: first.traceId,
        count: items.length,
        firstMessageId: first.id,
        lastMessageId: items[items.length - 1]!.record.id,
      });
    }
  }
}
