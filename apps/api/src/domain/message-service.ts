import {
  JOB_NAMES,
  messageSchema,
  newMessageId,
  normalizeMessage,
  issuesToDetails,
  type DeliveryRecord,
  type MessageStatus,
  type RecordStore,
} from '@wechat-dispatch/core';
import {
  DependencyUnavailableError,
  NotFoundError,
  ValidationError,
  type Logger,
} from '@wechat-dispatch/shared';
import type { SendQueues } from '../infra/send-queues';
import { resolveAppId } from './resolve-app';

/** Who asks, for the record and the logs. */
export interface RequestContext {
  caller: string;
  traceId: string;
}

/** The answer to an accepted message. */
export interface Accepted {
  id: string;
  status: Extract<MessageStatus, 'queued' | 'scheduled'>;
}

/** Dependencies of {@link MessageService}. */
export interface MessageServiceDeps {
  records: RecordStore;
  queues: SendQueues;
  appIds: readonly string[];
  logger: Logger;
  now?: () => Date;
}

/**
 * Accepts messages: validates, stores the delivery record, then queues the send job. Either
 * both are in Redis and the caller gets an id, or neither is and the caller gets an error.
 */
export class MessageService {
  private readonly now: () => Date;

  constructor(private readonly deps: MessageServiceDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /**
   * Validates and enqueues one message body.
   * @throws ValidationError with the path of each bad field
   * @throws DependencyUnavailableError when Redis does not take it (nothing is left behind)
   */
  async accept(body: unknown, ctx: RequestContext): Promise<Accepted> {
    const parsed = messageSchema.safeParse(body);
    if (!parsed.success) {
      throw new ValidationError('The message is invalid', issuesToDetails(parsed.error));
    }
    const appId = resolveAppId(parsed.data.appId, this.deps.appIds);
    const message = normalizeMessage(parsed.data, appId);
    const now = this.now();
    const delayMs = message.sendAt ? Math.max(0, Date.parse(message.sendAt) - now.getTime()) : 0;
    const status = delayMs > 0 ? 'scheduled' : 'queued';
    const id = newMessageId(now.getTime());
    const record: Omit<DeliveryRecord, 'history'> = {
      id,
      type: message.type,
      appId,
      toUser: message.toUser,
      templateId: message.templateId,
      status,
      attempts: 0,
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
      sendAt: message.sendAt,
      caller: ctx.caller,
      metadata: message.metadata,
      traceId: ctx.traceId,
    };
    try {
      await this.deps.records.create(record, message);
    } catch (err) {
      throw new DependencyUnavailableError(undefined, err);
    }
    try {
      await this.deps.queues
        .forApp(appId)
        .add(
          JOB_NAMES.sendMessage,
          { messageId: id, traceId: ctx.traceId },
          { jobId: id, delay: delayMs },
        );
    } catch (err) {
      await this.deps.records.remove(id, appId).catch((cleanupErr: unknown) => {
        this.deps.logger.error('record left behind after a failed enqueue', {
          messageId: id,
          err: cleanupErr,
        });
      });
      throw new DependencyUnavailableError(undefined, err);
    }
    this.deps.logger.info('message accepted', { messageId: id, appId, type: message.type, status });
    return { id, status };
  }

  /**
   * The delivery record of a message.
   * @throws NotFoundError for an unknown id
   */
  async get(id: string): Promise<DeliveryRecord> {
    let record: DeliveryRecord | undefined;
    try {
      record = await this.deps.records.get(id);
    } catch (err) {
      throw new DependencyUnavailableError('Redis is unavailable', err);
    }
    if (!record) {
      throw new NotFoundError(`No message with id ${id}`);
    }
    return record;
  }
}
