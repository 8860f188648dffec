export { newMessageId, isMessageId, shardOfMessageId } from './messages/message-id';
export { issuesToDetails } from './messages/issue-path';
export {
  messageSchema,
  normalizeMessage,
  type MessageType,
  type MessageBody,
  type MessageData,
  type Message,
} from './messages/message.schema';
export { MESSAGE_EXAMPLES } from './messages/message-docs';
export { VALUE_RULE_SCHEMAS, typedKeyPattern } from './messages/value-rule-schemas';
export {
  SEND_QUEUE,
  sendQueueName,
  isSendQueueName,
  legacySendQueueName,
  JOB_NAMES,
  sendJobSchema,
  type SendJob,
} from './jobs/queues';
export {
  QUEUE_CATALOGUE,
  SEND_JOB_OPTIONS,
  callbackJobOptions,
  sendQueueSpec,
  type QueueSpec,
} from './jobs/queue-catalogue';
export { openWorker, type QueueContext, type CatalogueWorkerOptions } from './jobs/open-queue';
export {
  openServiceQueues,
  openShardSendQueues,
  type ServiceQueues,
  type ServiceQueuesOptions,
} from './jobs/service-queues';
export {
  deliveryRecordSchema,
  MESSAGE_STATUSES,
  type MessageStatus,
  type LastError,
  type HistoryEntry,
  type DeliveryRecord,
  type StoredMessage,
} from './records/record.schema';
export {
  RecordStore,
  type RecordStoreOptions,
  type TransitionRequest,
  type TransitionResult,
} from './records/record-store';
export {
  DeadLetterStore,
  compareDeadLetterCursors,
  redriveJobId,
  trimUnconsumed,
  type DeadLetterJob,
  type DeadLetterPage,
  type RedriveResult,
  type DeadLetterStoreOptions,
} from './dead-letters/dead-letter-store';
export { RecordBatch, type NewRecord } from './records/record-batch';
export { deadIndexKey, callerDeadIndexKey } from './dead-letters/dead-index';
export {
  wechatEventSchema,
  wechatEventJobSchema,
  eventDedupeId,
  type WeChatEvent,
  type WeChatEventJob,
} from './events/wechat-event';
export {
  callbackJobSchema,
  callbackJobId,
  type CallbackJob,
  type DeadCallback,
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
export { appKeys, type AppKeys } from './apps/app-keys';
export {
  staticAppDirectory,
  type AppDirectory,
  type AppCredentials,
  type AppEntry,
  type AppKind,
  type StaticApp,
} from './apps/app-directory';
export { SecretBox, SecretBoxError, secretKeyId, SECRET_KEY_BYTES } from './apps/secret-box';
export type { AppInput, AppView, StoredApp } from './apps/app-record';
export {
  AppRegistryStore,
  type AppRegistryStoreOptions,
  type AppPage,
  type RemoveResult,
} from './apps/app-registry-store';
export { openAppRegistry, type AppRegistry, type AppRegistryOptions } from './apps/app-registry';
export { seedRegistry, type SeedApp, type SeedResult } from './apps/seed-registry';
export {
  startAppRegistry,
  type StartAppRegistryOptions,
  type StartedAppRegistry,
} from './apps/start-app-registry';
export { pendingMessagesOf } from './apps/pending-messages';
export { AppPauseMarkers, type AppPause } from './apps/app-pause-markers';
export { registryKeys, type RegistryKeys } from './apps/registry-keys';
export * from './archive';
export {
  ComponentStore,
  type ComponentStoreOptions,
  type StoredRefreshToken,
} from './components/component-store';
export type {
  ComponentCredentials,
  ComponentInput,
  ComponentView,
} from './components/component-record';
export { componentKeys, type ComponentKeys } from './components/component-keys';
export { NOTIFICATION_FUNC_SCOPE, mayDeliverMessages } from './components/authorizer-permissions';
