import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import {
  consentParamsSchema,
  consentsSchema,
  eventParamsSchema,
  eventQuerySchema,
} from '../schemas/wechat-events.schema';
import { errorResponses, json } from './responses';

const text = (description: string) => ({
  description,
  content: { 'text/plain': { schema: z.string() } },
});

/** WeChat's event URL and the consent ledger (docs/events-and-callbacks.md). */
export function registerEventPaths(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: 'get',
    path: '/wechat/events/{appId}',
    operationId: 'verifyEventUrl',
    security: [],
    tags: ['WeChat events'],
    summary: 'URL verification: echoes `echostr` when the signature matches the app token',
    request: { params: eventParamsSchema, query: eventQuerySchema },
    responses: {
      '200': text('The `echostr`.'),
      ...errorResponses(400, 401, 404),
    },
  });
  registry.registerPath({
    method: 'post',
    path: '/wechat/events/{appId}',
    operationId: 'receiveEvent',
    security: [],
    tags: ['WeChat events'],
    summary: 'An event push (XML or JSON; plain, compatible or safe mode); answers `success`',
    description:
      'Verified (SHA-1 signature, timestamp within WECHAT_EVENT_MAX_AGE_S, msg_signature and appid in safe mode), deduped on FromUserName + CreateTime + Event + MsgID, queued on `wechat-events`; the worker applies it. Repeats also get `success`.',
    request: {
      params: eventParamsSchema,
      query: eventQuerySchema,
      body: {
        content: { 'text/xml': { schema: z.string() }, 'application/json': { schema: z.string() } },
      },
    },
    responses: {
      '200': text('`success`.'),
      ...errorResponses(400, 401, 404, 413, 503),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/v1/consents/{appId}/{openid}',
    operationId: 'getConsents',
    tags: ['consents'],
    summary: "A user's subscription consent grants per template",
    description:
      'Grants belong to the app; a caller reads them (and uses them by sending) only for the apps in its scope: another app is 404.',
    security: [{ apiKey: [] }],
    request: { params: consentParamsSchema },
    responses: {
      '200': json('The grants.', consentsSchema),
      ...errorResponses(400, 401, 404, 429, 503),
    },
  });
}
