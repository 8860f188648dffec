import type { StoredMessage } from '@wechat-dispatch/core';

/** How one processing run of a send job ended. */
export type SendOutcome =
  'sent' | 'already_sent' | 'retry' | 'wait' | 'dead' | 'cancelled' | 'missing' | 'expired';

/** What the send processor returns: the outcome, and on `sent` what follow-up steps need. */
export interface SendRun {
  outcome: SendOutcome;
  /**
   * On `sent`: the message as the processor claimed it and WeChat's msgid, so what follows a
   * send need not read the record again. Not for BullMQ's return value (it holds the message).
   */
  sent?: SentMessage;
  /** On `expired`: the message as the processor claimed it, for its callback. */
  expired?: StoredMessage;
}

/** A message the processor marked `sent`, for what follows a send. */
export interface SentMessage {
  stored: StoredMessage;
  msgId: string | undefined;
  /**
   * True when the `sent` transition also wrote the msgid index; `parked` is then the delivery
   * event that had been waiting for this msgid, if one was.
   */
  indexed: boolean;
  parked?: string;
}

/** Observers of the processor, for metrics. All optional. */
export interface SendHooks {
  onOutcome?(
    appId: string,
    outcome: SendOutcome,
    errcode: number | undefined,
    durationMs?: number,
  ): void;
  onWait?(appId: string, errorClass: string, delayMs: number): void;
}
