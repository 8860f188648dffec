/**
 * Every error code the service answers with, in one catalogue. The HTTP error body carries the
 * lower-case value as `error.code`; OpenAPI documents the same list.
 */
export const ERROR_CODES = {
  VALIDATION_FAILED: 'validation_failed',
  INVALID_JSON: 'invalid_json',
  INVALID_PATH: 'invalid_path',
  INVALID_CONTENT_ENCODING: 'invalid_content_encoding',
  UNSUPPORTED_MEDIA_TYPE: 'unsupported_media_type',
  PAYLOAD_TOO_LARGE: 'payload_too_large',
  UNAUTHORIZED: 'unauthorized',
  FORBIDDEN: 'forbidden',
  NOT_FOUND: 'not_found',
  METHOD_NOT_ALLOWED: 'method_not_allowed',
  CONFLICT: 'conflict',
  IDEMPOTENCY_KEY_REUSED: 'idempotency_key_reused',
  NO_SUBSCRIPTION_CONSENT: 'no_subscription_consent',
  APP_DISABLED: 'app_disabled',
  APP_HAS_PENDING_MESSAGES: 'app_has_pending_messages',
  INVALID_SIGNATURE: 'invalid_signature',
  RATE_LIMITED: 'rate_limited',
  REDIS_UNAVAILABLE: 'redis_unavailable',
  APP_REGISTRY_OFF: 'app_registry_off',
  ARCHIVE_NOT_CONFIGURED: 'archive_not_configured',
  ARCHIVE_UNAVAILABLE: 'archive_unavailable',
  COMPONENT_NOT_READY: 'component_not_ready',
  WECHAT_REFUSED: 'wechat_refused',
  INTERNAL: 'internal',
} as const;

export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];
