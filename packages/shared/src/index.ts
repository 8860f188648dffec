export { createLogger, type Logger, type LoggerOptions } from './logger/create-logger';
export { secretRedactor, registerSecret, REDACTED, type Redactor } from './logger/redactor';
export { newTraceId, sanitizeTraceId } from './logger/trace-context';
export { ERROR_CODES, type ErrorCode } from './errors/error-codes';
export {
  AppError,
  ValidationError,
  UnauthorizedError,
  NotFoundError,
  ConflictError,
  DependencyUnavailableError,
  type ErrorDetail,
  type AppErrorOptions,
} from './errors/app-error';
export { ConfigError, parseEnvParts, loadConfigOrExit } from './config/parse-env';
export {
  serviceEnvShape,
  serviceConfigOf,
  checkAppSource,
  type ServiceConfig,
} from './config/service-env';
export { secretsKeyEnv, type AppSecretsKeys } from './config/app-secrets-env';
export {
  archiveEnvShape,
  archiveConfigOf,
  databasePassword,
  type ArchiveConfig,
} from './config/archive-env';
export {
  apiKeysEnv,
  weakApiKeyWarnings,
  intEnv,
  portEnv,
  urlEnv,
  type WeChatAppCredentials,
  type ApiKeyEntry,
} from './config/env-schemas';
export {
  createRedis,
  connectRedis,
  closeRedis,
  type RedisProfile,
  type RedisClient,
} from './redis/create-redis';
export {
  redisTopologyEnv,
  describeTopology,
  type RedisTopology,
  type RedisNode,
} from './redis/redis-topology';
export { redisAnswers } from './redis/redis-answers';
export { withTimeout, TimeoutError } from './async/with-timeout';
export { openRedis } from './redis/open-redis';
export {
  luaScript,
  bindScript,
  bindPerTurn,
  type ScriptDef,
  type BoundScript,
  type ScriptArg,
  type PerTurnScript,
} from './redis/scripts';
export { checkRedisSafety, UnsafeRedisError, type RedisCheckResult } from './redis/check-redis';
export {
  registerShutdown,
  type ShutdownStep,
  type ShutdownOptions,
} from './lifecycle/graceful-shutdown';
export { Keyspace } from './keyspace';
export {
  eventTokensEnv,
  type EventTokenEntry,
  type CallbackSecretEntry,
} from './config/event-env-schemas';
export { SsrfGuard, SsrfBlockedError, callbackPortOf, type CallbackTarget } from './net/ssrf-guard';
export {
  signCallback,
  verifyCallbackSignature,
  CALLBACK_SIGNATURE_HEADER,
} from './net/callback-signature';
export { sameSecret, bearerTokenOf, carriesBearerToken } from './auth/bearer-token';
export { metricsTokenEnv, METRICS_TOKEN_MIN_LENGTH } from './config/metrics-env';
export { dropMisnamedDefaults, type MetricRegistry } from './metrics/process-metrics';
export { keySlot, CLUSTER_SLOTS } from './sharding/key-slot';
export {
  shardTag,
  slotRangeOf,
  partOfSlot,
  MIN_SEND_SHARDS,
  MAX_SEND_SHARDS,
} from './sharding/shard-tags';
export { shardOfApp, crc32 } from './sharding/app-shard';
export { SendShards, ShardCountMismatchError, checkShardCount } from './sharding/send-shards';
