import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '@wechat-dispatch/shared';
import type { MessageService } from '../domain/message-service';
import type { RequestQuota } from '../domain/request-quota';
import type { ApiMetrics } from '../metrics';
import { gatedAuthentication, type AuthGate } from './auth-gate';
import { bearerKeyOf, type ApiKeys } from './middleware/api-key-auth';
import { answerError } from './middleware/error-handler';
import { observeWhenFinished } from './middleware/observe-requests';
import { chargeRequest } from './middleware/rate-limit';
import { traceIdOf } from './middleware/request-id';
import type { HeaderSetter } from './middleware/security-headers';
import { parseInput, partsOf } from './middleware/validate';
import { answerAcceptedMessage, createInput } from './routes/messages.routes';
import { readJsonBody } from './read-json-body';

const ROUTE = '/v1/messages';
const CREATE_PARTS = partsOf(createInput);
/** `application/json`, optionally saying UTF-8: the only body the fast path decodes itself. */
const PLAIN_JSON = /^application\/json\s*(;\s*charset="?utf-8"?\s*)?$/i;

/**
 * Whether the send fast path takes `req`: `POST /v1/messages` exactly, an uncompressed UTF-8
 * JSON body of a declared length within `bodyLimitBytes`. Anything else — a query string,
 * another charset or encoding, a chunked, empty or oversized body — goes through Express, which
 * answers it as always (415, 413, …).
 */
export function takesFastPath(req: IncomingMessage, bodyLimitBytes: number): boolean {
  if (req.method !== 'POST' || req.url !== ROUTE) {
    return false;
  }
  const { headers } = req;
  const length = Number(headers['content-length']);
  return (
    headers['transfer-encoding'] === undefined &&
    headers['content-encoding'] === undefined &&
    PLAIN_JSON.test(headers['content-type'] ?? '') &&
    Number.isInteger(length) &&
    length > 0 &&
    length <= bodyLimitBytes
  );
}

/** What the fast path needs: what the Express route's middleware chain uses, built once. */
export interface FastSendDeps {
  messages: MessageService;
  apiKeys: ApiKeys;
  /** Failed authentications throttled per client address. @defaultValue none */
  authGate?: AuthGate;
  quota?: RequestQuota;
  logger: Logger;
  metrics: ApiMetrics;
  securityHeaders: HeaderSetter;
}

/**
 * `POST /v1/messages` without Express: the same steps as its Express route, in the same
 * order and from the same functions — request id, request log and metrics, security headers,
 * API key, rate limit, body, validation, accept, answer, or the error answer — straight through
 * instead of through Express's router and request/response wrappers, the largest cost of the
 * send path before it (docs/benchmarks.md, design figures: api). Only for requests
 * {@link takesFastPath} accepts.
 */
export function fastSendRoute(
  deps: FastSendDeps,
): (req: IncomingMessage, res: ServerResponse) => void {
  const { logger, metrics } = deps;
  return (req, res) => {
    const traceId = traceIdOf(req.headers['x-request-id']);
    res.setHeader('X-Request-Id', traceId);
    let caller: string | undefined;
    observeWhenFinished(logger, metrics, 'POST', res, () => ({ route: ROUTE, caller, traceId }));
    deps.securityHeaders(req, res, () => undefined);
    const accept = async (): Promise<void> => {
      const presented = bearerKeyOf(req.headers.authorization);
      const who = gatedAuthentication(deps.authGate, req, res, presented !== undefined, () =>
        deps.apiKeys.authenticate(presented),
      );
      const authenticated = who instanceof Promise ? await who : who;
      caller = authenticated.caller;
      const charged = chargeRequest(deps.quota, res, caller);
      if (charged) {
        await charged;
      }
      const body = await readJsonBody(req);
      const input = parseInput(createInput, CREATE_PARTS, { headers: req.headers, body });
      const context = { caller, traceId, scope: authenticated.scope };
      const outcome = await deps.messages.accept(
        input.body,
        context,
        input.headers['idempotency-key'],
      );
      answerAcceptedMessage(res, outcome);
    };
    accept().catch((err: unknown) => answerError(logger, err, res, traceId));
  };
}
