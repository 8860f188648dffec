import type { ResponseConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { errorBodySchema } from '../schemas/common.schema';
import { wechatAnswerSchema } from '../schemas/wechat-compat.schema';

const ERROR_MEANINGS: Record<number, string> = {
  400: 'Validation failed (`validation_failed`, details name each field), malformed JSON (`invalid_json`), a body that does not decode as its Content-Encoding says (`invalid_content_encoding`) or a path that is not valid percent-encoding (`invalid_path`); nothing stored.',
  401: 'Missing or unknown API key (on /metrics: METRICS_TOKEN); on the event URL: a bad signature or a stale timestamp (`invalid_signature`).',
  404: 'Unknown id, or a message of another caller.',
  409: 'Conflict: the message is not in a state that allows this, or the Idempotency-Key was used with another body (`idempotency_key_reused`) or its first request is still running, or a subscribe/bizsend message has no unused consent grant (`no_subscription_consent`), or the message’s app is disabled (`app_disabled`), or an app to delete still has pending messages (`app_has_pending_messages`).',
  403: 'The caller is not an operator (`forbidden`): only callers in API_ADMIN_CALLERS.',
  413: 'Body larger than 1 MB.',
  415: 'Body is not `application/json`.',
  429: 'Too many requests with this API key in the current minute, or too many wrong credentials from this client address (AUTH_FAILURE_LIMIT in AUTH_FAILURE_WINDOW_S); see `Retry-After`.',
  501: 'No delivery-history archive is configured (`archive_not_configured`): set DATABASE_URL, or ARCHIVE_DIR for the embedded PGlite.',
  502: 'WeChat refused a component call (`wechat_refused`; the message has its errcode).',
  500: 'Internal error; the body holds only an `errorId` to find the log line.',
  503: 'Redis unavailable; nothing was stored. Retry (with the same Idempotency-Key). On `/v1/admin/apps` without APP_SECRETS_KEY: `app_registry_off`. On search and stats: the archive does not answer (`archive_unavailable`). On the Open Platform routes: `component_not_ready` (no verify ticket yet, or WeChat unreachable).',
};

/** The error responses a route can give, in the contract's error shape. */
export function errorResponses(...statuses: number[]): Record<string, ResponseConfig> {
  return Object.fromEntries(
    [...statuses, 500].map((status) => [
      String(status),
      {
        description: ERROR_MEANINGS[status] ?? 'Error',
        content: { 'application/json': { schema: errorBodySchema } },
      },
    ]),
  );
}

/** A JSON response. */
export function json(description: string, schema: z.ZodType): ResponseConfig {
  return { description, content: { 'application/json': { schema } } };
}

/** The WeChat-shaped answer of the compat routes (always HTTP 200). */
export const wechatAnswer: Record<string, ResponseConfig> = {
  '200': json(
    'Always HTTP 200, like WeChat. `errcode` 0 with `msgid` (our message id) when queued; 40001 bad key, 47001 malformed body, 47003 a data value WeChat would refuse (errmsg names the field), 40003 bad openid, 40037 bad template_id, 40013/41002 unknown/missing appid, 48001 disabled app, 45011 rate limited, -1 Redis unavailable (retry).',
    wechatAnswerSchema,
  ),
};

/** The Location header of a created message. */
export const locationHeader = z.object({
  Location: z.string().meta({ description: '/v1/messages/{id}' }),
});
