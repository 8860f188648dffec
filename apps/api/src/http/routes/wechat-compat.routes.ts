import express, { Router, type RequestHandler } from 'express';
import type { z } from 'zod';
import { issuesToDetails, messageSchema, type MessageType } from '@wechat-dispatch/core';
import { ValidationError, type ApiKeyEntry, type Logger } from '@wechat-dispatch/shared';
import type { DispatchTokens } from '../../domain/dispatch-tokens';
import type { MessageService } from '../../domain/message-service';
import type { AuthGate } from '../auth-gate';
import { toMessageBody } from '../../domain/wechat-compat';
import { compatAuth } from '../middleware/compat-auth';
import { inputOf, validate } from '../middleware/validate';
import { WeChatShapeError, wechatErrorHandler } from '../middleware/wechat-error-handler';
import { contextOf, localsOf } from '../request-locals';
import {
  wechatBizsendBodySchema,
  wechatQuerySchema,
  wechatSubscribeBodySchema,
  wechatTemplateBodySchema,
} from '../schemas/wechat-compat.schema';

/** Dependencies of {@link wechatCompatRoutes}. */
export interface WeChatCompatDeps {
  messages: MessageService;
  /** Numeric msgids, as WeChat answers them. */
  msgIds: { assign(messageId: string): Promise<number> };
  apiKeys: readonly ApiKeyEntry[];
  /** Dispatch tokens from `/cgi-bin/token`; none = API keys only. */
  tokens?: DispatchTokens;
  rateLimit: RequestHandler;
  /** Failed authentications throttled per client address. @defaultValue none */
  authGate?: AuthGate;
  bodyLimit: number;
  logger: Logger;
}

/** The compat routes, relative to their mount `/cgi-bin/message`, and what each sends. */
export const WECHAT_COMPAT_ROUTES = [
  { path: '/template/send', type: 'template', schema: wechatTemplateBodySchema },
  { path: '/subscribe/send', type: 'subscribe', schema: wechatSubscribeBodySchema },
  { path: '/subscribe/bizsend', type: 'bizsend', schema: wechatBizsendBodySchema },
] as const satisfies ReadonlyArray<{ path: string; type: MessageType; schema: z.ZodType }>;

const queryInput = { query: wechatQuerySchema };

/**
 * WeChat's own send endpoints, so a service that called WeChat directly migrates by changing
 * its base URL: its SDK fetches a dispatch token from `/cgi-bin/token` with its own appid and
 * secret (the token implies the app), or it puts an API key where the access_token was.
 * WeChat's body and answer shape (always HTTP 200, `errcode`), our queue and rules behind it:
 * the body is translated and validated by the `/v1` schema, `client_msg_id` is the
 * Idempotency-Key, and `msgid` is a JSON integer indexed to our message id. Any content type is
 * parsed as JSON, because WeChat does so.
 */
export function wechatCompatRoutes(deps: WeChatCompatDeps): Router {
  const router = Router();
  const auth = compatAuth({ keys: deps.apiKeys, tokens: deps.tokens, gate: deps.authGate });
  const json = express.json({ type: () => true, limit: deps.bodyLimit });
  for (const route of WECHAT_COMPAT_ROUTES) {
    router.post(route.path, validate(queryInput), auth, deps.rateLimit, json, async (req, res) => {
      const { query } = inputOf(res, queryInput);
      const wechat = route.schema.safeParse(req.body);
      if (!wechat.success) {
        throw new WeChatShapeError(issuesToDetails(wechat.error));
      }
      const appId = query.appid ?? localsOf(res).tokenAppId;
      const body = messageSchema.safeParse(toMessageBody(route.type, wechat.data, appId));
      if (!body.success) {
        throw new ValidationError('The message is invalid', issuesToDetails(body.error));
      }
      const { response } = await deps.messages.accept(
        body.data,
        contextOf(res),
        wechat.data.client_msg_id,
      );
      const msgid = await deps.msgIds.assign(response.id);
      res.json({ errcode: 0, errmsg: 'ok', msgid });
    });
  }
  router.use(wechatErrorHandler(deps.logger));
  return router;
}
