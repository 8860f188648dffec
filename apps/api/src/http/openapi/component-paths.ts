import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import {
  authorizeUrlBodySchema,
  authorizeUrlSchema,
  authorizedQuerySchema,
  componentEventParamsSchema,
  componentParamsSchema,
  componentPushQuerySchema,
  componentPutBodySchema,
  componentViewSchema,
} from '../schemas/components.schema';
import { errorResponses, json } from './responses';

const security = [{ apiKey: [] }];
const OPERATORS =
  'Operators only (API_ADMIN_CALLERS). Without APP_SECRETS_KEY: 503 `app_registry_off`.';
const text = (description: string) => ({
  description,
  content: { 'text/plain': { schema: z.string() } },
});
const xmlBody = { content: { 'text/xml': { schema: z.string() } } };

/** The Open Platform (#21): components' operator routes and WeChat's pushes to the platform. */
export function registerComponentPaths(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: 'put',
    path: '/v1/admin/components/{componentAppId}',
    operationId: 'putComponent',
    tags: ['admin: components'],
    summary: 'Configure an Open Platform component (third-party platform)',
    description: `${OPERATORS} The secret, token and key are sealed at rest and never returned.`,
    security,
    request: {
      params: componentParamsSchema,
      body: { required: true, content: { 'application/json': { schema: componentPutBodySchema } } },
    },
    responses: {
      '201': json('Created.', componentViewSchema),
      '200': json('Replaced.', componentViewSchema),
      ...errorResponses(400, 401, 403, 415, 429, 503),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/v1/admin/components/{componentAppId}',
    operationId: 'getComponent',
    tags: ['admin: components'],
    summary: 'Read a component (when its last verify ticket arrived)',
    security,
    request: { params: componentParamsSchema },
    responses: {
      '200': json('The component (no secrets).', componentViewSchema),
      ...errorResponses(400, 401, 403, 404, 429, 503),
    },
  });
  registry.registerPath({
    method: 'post',
    path: '/v1/admin/components/{componentAppId}/authorize-url',
    operationId: 'createAuthorizeUrl',
    tags: ['admin: components'],
    summary: 'A merchant authorization URL (fresh pre_auth_code)',
    description: `${OPERATORS} 503 \`component_not_ready\` while no component_verify_ticket has arrived; 502 \`wechat_refused\` with WeChat's errcode.`,
    security,
    request: {
      params: componentParamsSchema,
      body: { required: true, content: { 'application/json': { schema: authorizeUrlBodySchema } } },
    },
    responses: {
      '200': json('The URL to open (valid `expiresIn` seconds).', authorizeUrlSchema),
      ...errorResponses(400, 401, 403, 404, 415, 429, 502, 503),
    },
  });
  registry.registerPath({
    method: 'post',
    path: '/wechat/component/{componentAppId}',
    operationId: 'receiveComponentPush',
    tags: ['WeChat events'],
    summary: 'Authorization event URL: verify tickets and authorization changes; answers `success`',
    description:
      'Safe-mode encrypted XML only, signature and msg_signature checked. `component_verify_ticket` is stored (newest wins); `authorized`/`updateauthorized` exchange the code; `unauthorized` disables the authorizer (its queued messages wait).',
    security: [],
    request: { params: componentParamsSchema, query: componentPushQuerySchema, body: xmlBody },
    responses: { '200': text('`success`.'), ...errorResponses(400, 401, 404, 413, 503) },
  });
  registry.registerPath({
    method: 'get',
    path: '/wechat/component/{componentAppId}/authorized',
    operationId: 'completeAuthorization',
    tags: ['WeChat events'],
    summary: 'The authorization redirect: exchanges `auth_code` and stores the authorizer',
    security: [],
    request: { params: componentParamsSchema, query: authorizedQuerySchema },
    responses: {
      '200': {
        description: 'A page naming the authorizer.',
        content: { 'text/html': { schema: z.string() } },
      },
      ...errorResponses(400, 404, 502, 503),
    },
  });
  registry.registerPath({
    method: 'post',
    path: '/wechat/component/{componentAppId}/events/{authorizerAppId}',
    operationId: 'receiveAuthorizerEvent',
    tags: ['WeChat events'],
    summary:
      "An authorizer's event push (the platform's message URL), decrypted with the component's key",
    security: [],
    request: { params: componentEventParamsSchema, query: componentPushQuerySchema, body: xmlBody },
    responses: { '200': text('`success`.'), ...errorResponses(400, 401, 404, 413, 503) },
  });
}
