import type { DeliveryRecord, Message } from '@wechat-dispatch/core';

/** A validated message with its id and record, ready to be stored and queued. */
export interface PreparedMessage {
  record: Omit<DeliveryRecord, 'history'>;
  message: Message;
  /** Milliseconds until it may be sent (0: now). */
  delayMs: number;
}

/**
 * Where accepted messages go: records and send jobs in Redis. Implemented in infra over the
 * record batch writer and the BullMQ send queues.
 */
export interface MessageQueue {
  /**
   * Stores the records that do not exist yet and adds one send job per message (job id =
   * message id), so calling it again with the same messages adds nothing twice.
   */
  enqueue(items: readonly PreparedMessage[]): Promise<void>;
  /** Removes the records of messages whose enqueue failed. */
  discard(items: readonly PreparedMessage[]): Promise<void>;
  /** Removes a message's send job if it can (best effort: an active job is locked). */
  removeJob(id: string): Promise<void>;
}
