import {
  type CallbackStatus,
  type ConsentLedger,
  type Message,
  type MsgIdIndex,
  type RecordStore,
  type StoredMessage,
} from '@wechat-dispatch/core';
import type { Logger } from '@wechat-dispatch/shared';
import type { CallbackOutbox } from '../infra/callback-outbox';
import type { SentMessage } from './send-outcome';

/** WeChat's final word on one sent message, from TEMPLATESENDJOBFINISH or subscribe_msg_sent_event. */
export interface DeliveryResult {
  delivered: boolean;
  /** The event that said so. */
  source: 'TEMPLATESENDJOBFINISH' | 'subscribe_msg_sent_event';
  /** `Status` (template) or `ErrorStatus` (subscribe), kept as WeChat wrote it. */
  wechatStatus: string;
  /** `ErrorCode` of a subscribe sent event. */
  errorCode?: string;
}

/** Dependencies of {@link MessageLifecycle}. */
export interface MessageLifecycleDeps {
  records: RecordStore;
  msgIds: MsgIdIndex;
  consents: ConsentLedger;
  callbacks: CallbackOutbox;
  logger: Logger;
}

/** The user-not-subscribed errcode: the grant WeChat had is gone (wechat-facts §3.1). */
const NO_CONSENT_ERRCODE = 43101;

function subjectOf(message: Message) {
  return { appId: message.appId, openId: message.toUser, templateId: message.templateId };
}

/**
 * What follows a final status: the msgid index and parked events (sent), the consent ledger
 * (consume on sent, clear on 43101, release on another death or on expiry) and the caller's callback. These
 * run after the record changed and never undo it: a failure here is logged, not retried, so a
 * send is never repeated because of bookkeeping.
 */
export class MessageLifecycle {
  constructor(private readonly deps: MessageLifecycleDeps) {}

  /**
   * After a record moved to `sent` with WeChat's `msgId`; indexes the msgid unless the `sent`
   * transition already did.
   */
  async sent({ stored, msgId, indexed, parked: taken }: SentMessage): Promise<void> {
    const { record, message } = stored;
    await this.guard('sent', record.id, async () => {
      if (message.consentHeld) {
        await this.deps.consents.apply('consume', subjectOf(message));
      }
      await this.notify(record.id, 'sent', message.callbackUrl);
      if (msgId === undefined || msgId === '') {
        return;
      }
      const parked = indexed
        ? taken
        : await this.deps.msgIds.indexSent(record.appId, msgId, record.id);
      if (parked !== undefined) {
        await this.applyDelivery(record.id, JSON.parse(parked) as DeliveryResult);
      }
    });
  }

  /** After a record moved to `dead` with `errcode`. */
  async dead(stored: StoredMessage, errcode: number): Promise<void> {
    const { record, message } = stored;
    await this.guard('dead', record.id, async () => {
      if (errcode === NO_CONSENT_ERRCODE) {
        await this.deps.consents.apply('clear', subjectOf(message));
      } else if (message.consentHeld) {
        // WeChat refused the send for another reason, so the user's grant was not used.
        await this.deps.consents.apply('release', subjectOf(message));
      }
      await this.notify(record.id, 'dead', message.callbackUrl);
    });
  }

  /** After a record moved to `expired`: never sent, so a reserved grant was not used. */
  async expired(stored: StoredMessage): Promise<void> {
    const { record, message } = stored;
    await this.guard('expired', record.id, async () => {
      if (message.consentHeld) {
        await this.deps.consents.apply('release', subjectOf(message));
      }
      await this.notify(record.id, 'expired', message.callbackUrl);
    });
  }

  /**
   * Applies a delivery event to the message sent as `msgId`, or parks it until that message
   * is marked sent. @returns the message id, or undefined when parked
   */
  async delivery(
    appId: string,
    msgId: string,
    result: DeliveryResult,
  ): Promise<string | undefined> {
    const messageId = await this.deps.msgIds.resolveOrPark(appId, msgId, JSON.stringify(result));
    if (messageId !== undefined) {
      await this.applyDelivery(messageId, result);
    }
    return messageId;
  }

  private async applyDelivery(messageId: string, result: DeliveryResult): Promise<void> {
    const to = result.delivered ? 'delivered' : 'undelivered';
    const moved = await this.deps.records.transition(messageId, {
      from: ['sent'],
      to,
      event: {
        event: to,
        source: result.source,
        wechatStatus: result.wechatStatus,
        ...(result.errorCode === undefined ? {} : { errorCode: result.errorCode }),
      },
    });
    if (!moved.ok) {
      this.deps.logger.info('delivery event not applied', { messageId, status: moved.current });
      return;
    }
    const stored = await this.deps.records.load(messageId);
    await this.notify(messageId, to, stored?.message.callbackUrl);
  }

  private async notify(
    messageId: string,
    status: CallbackStatus,
    url: string | undefined,
  ): Promise<void> {
    if (url === undefined) {
      return;
    }
    const record = await this.deps.records.get(messageId);
    if (record) {
      await this.deps.callbacks.notify(record, status, url);
    }
  }

  private async guard(step: string, messageId: string, run: () => Promise<void>): Promise<void> {
    try {
      await run();
    } catch (err) {
      this.deps.logger.error('bookkeeping after a final status failed', { step, messageId, err });
    }
  }
}
