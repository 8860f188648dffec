import type { Message, MessageType } from '../messages/message.schema';

/** Every status a message can have (CONTRACT §3). */
export const MESSAGE_STATUSES = [
  'queued',
  'scheduled',
  'sending',
  'retrying',
  'sent',
  'delivered',
  'undelivered',
  'dead',
  'cancelled',
] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

/** WeChat's answer (or our pseudo-errcode for transport failures) of the last failed attempt. */
export interface LastError {
  errcode: number;
  errmsg: string;
}

/** One line of a record's history. */
export interface HistoryEntry {
  at: string;
  event: string;
  errcode?: number;
  errmsg?: string;
  [key: string]: unknown;
}

/** The delivery record of one message, as `GET /v1/messages/:id` answers it. */
export interface DeliveryRecord {
  id: string;
  type: MessageType;
  appId: string;
  toUser: string;
  templateId: string;
  status: MessageStatus;
  attempts: number;
  wechatMsgId?: string;
  lastError?: LastError;
  createdAt: string;
  updatedAt: string;
  sentAt?: string;
  sendAt?: string;
  nextAttemptAt?: string;
  caller: string;
  metadata?: Record<string, string | number | boolean>;
  traceId: string;
  history: HistoryEntry[];
}

/** A record together with the message it carries (what the worker needs to send). */
export interface StoredMessage {
  record: DeliveryRecord;
  message: Message;
}
