export { newMessageId, isMessageId } from './messages/message-id';
export { checkDataValue, keyType, isTypedKey } from './messages/value-rules';
export { issuesToDetails } from './messages/issue-path';
export {
  MESSAGE_TYPES,
  messageSchema,
  normalizeMessage,
  type MessageType,
  type MessageBody,
  type MessageData,
  type Message,
} from './messages/message.schema';
export {
  sendQueueName,
  DEAD_LETTER_QUEUE,
  JOB_NAMES,
  sendJobSchema,
  SEND_JOB_OPTIONS,
  type SendJob,
} from './jobs/queues';
export {
  MESSAGE_STATUSES,
  deliveryRecordSchema,
  type MessageStatus,
  type LastError,
  type HistoryEntry,
  type DeliveryRecord,
  type StoredMessage,
} from './records/record.schema';
export { STATUS_EDGES, canMove } from './records/status-machine';
export {
  RecordStore,
  type RecordStoreOptions,
  type TransitionRequest,
  type TransitionResult,
} from './records/record-store';
export {
  DeadLetterStore,
  type DeadLetterJob,
  type DeadLetterPage,
  type RedriveResult,
  type DeadLetterStoreOptions,
} from './dead-letters/dead-letter-store';
export { RecordBatch, type NewRecord } from './records/record-batch';
export { deadIndexKey } from './dead-letters/dead-index';
export {
  WECHAT_EVENTS_QUEUE,
  WECHAT_EVENT_JOB_OPTIONS,
  wechatEventSchema,
  wechatEventJobSchema,
  subscribeEventItemSchema,
  eventDedupeId,
  type WeChatEvent,
  type WeChatEventJob,
  type SubscribeEventItem,
} from './events/wechat-event';
export {
  CALLBACKS_QUEUE,
  CALLBACK_DEAD_LETTER_QUEUE,
  CALLBACK_STATUSES,
  callbackJobSchema,
  callbackJobId,
  type CallbackJob,
  type CallbackStatus,
} from './callbacks/callback-job';
export {
  ConsentLedger,
  type ConsentLedgerOptions,
  type ConsentGrant,
  type ConsentSubject,
  type ConsentOp,
} from './consents/consent-ledger';
export { MsgIdIndex, type MsgIdIndexOptions } from './events/msgid-index';
