import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import {
  appIdParamsSchema,
  appListQuerySchema,
  appPageSchema,
  appPauseLiftSchema,
  appPauseSchema,
  appPatchBodySchema,
  appPutBodySchema,
  appViewSchema,
} from '../schemas/admin-apps.schema';
import { errorResponses, json } from './responses';

const security = [{ apiKey: [] }];
const tags = ['admin: apps'];
const OPERATORS =
  'Operators only (callers in API_ADMIN_CALLERS; others get 403 `forbidden`). Without APP_SECRETS_KEY: 503 `app_registry_off`. A change reaches every API and worker process within 5 s.';

/** `/v1/admin/apps`: the app registry (#16). */
export function registerAdminPaths(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: 'put',
    path: '/v1/admin/apps/{appId}',
    operationId: 'putApp',
    tags,
    summary: 'Create or replace an app',
    description: `${OPERATORS} Secrets are stored encrypted (AES-256-GCM) and never returned. A replace keeps \`enabled\` and \`createdAt\`; \`secretChangedAt\` moves only when the secret changes, and the next token fetch uses the new one.`,
    security,
    request: {
      params: appIdParamsSchema,
      body: { required: true, content: { 'application/json': { schema: appPutBodySchema } } },
    },
    responses: {
      '201': json('Created.', appViewSchema),
      '200': json('Replaced.', appViewSchema),
      ...errorResponses(400, 401, 403, 415, 429, 503),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/v1/admin/apps',
    operationId: 'listApps',
    tags,
    summary: 'List apps in appId order, paged',
    description: `${OPERATORS} Pass \`nextCursor\` as \`cursor\` for the next page; null after the last.`,
    security,
    request: { query: appListQuerySchema },
    responses: {
      '200': json('A page of apps (no secrets).', appPageSchema),
      ...errorResponses(400, 401, 403, 429, 503),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/v1/admin/apps/{appId}',
    operationId: 'getApp',
    tags,
    summary: 'Read one app',
    description: `${OPERATORS} Only \`secretSet\` and \`secretChangedAt\`, never the secret.`,
    security,
    request: { params: appIdParamsSchema },
    responses: {
      '200': json('The app.', appViewSchema),
      ...errorResponses(401, 403, 404, 429, 503),
    },
  });
  registry.registerPath({
    method: 'patch',
    path: '/v1/admin/apps/{appId}',
    operationId: 'setAppEnabled',
    tags,
    summary: 'Enable or disable an app',
    description: `${OPERATORS} A disabled app's new messages are refused (409 \`app_disabled\`); its queued ones wait and go out once it is enabled.`,
    security,
    request: {
      params: appIdParamsSchema,
      body: { required: true, content: { 'application/json': { schema: appPatchBodySchema } } },
    },
    responses: {
      '200': json('The app after the change.', appViewSchema),
      ...errorResponses(400, 401, 403, 404, 415, 429, 503),
    },
  });
  registry.registerPath({
    method: 'delete',
    path: '/v1/admin/apps/{appId}',
    operationId: 'deleteApp',
    tags,
    summary: 'Delete an app with nothing pending',
    description: `${OPERATORS} 409 \`app_has_pending_messages\` while messages wait for it (disable it first, delete once they are sent). An app of WECHAT_APPS deleted here is not seeded again.`,
    security,
    request: { params: appIdParamsSchema },
    responses: {
      '204': { description: 'Deleted.' },
      ...errorResponses(401, 403, 404, 409, 429, 503),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/v1/admin/apps/{appId}/pause',
    operationId: 'getAppPause',
    tags,
    summary: 'Read an app’s quota pause',
    description: `${OPERATORS} A pause holds back every message of the app without spending an attempt: 45011 (a minute's quota) pauses it until the next minute, 45009 (the day's quota) until 00:00 China time, a refused token fetch (40125, 40164) for 15–30 s.`,
    security,
    request: { params: appIdParamsSchema },
    responses: {
      '200': json('The app’s pause now (`paused: false` when none).', appPauseSchema),
      ...errorResponses(401, 403, 404, 429, 503),
    },
  });
  registry.registerPath({
    method: 'delete',
    path: '/v1/admin/apps/{appId}/pause',
    operationId: 'liftAppPause',
    tags,
    summary: 'Lift an app’s quota pause now',
    description: `${OPERATORS} For after WeChat's \`clear_quota\` reset the app's counters (at most 10 a month): every worker sends the messages it set aside for the pause within about a second. Repeating it is harmless (\`lifted: false\`). A pause that the next send runs into again (the quota still spent) starts over.`,
    security,
    request: { params: appIdParamsSchema },
    responses: {
      '200': json('The pause it ended, if any.', appPauseLiftSchema),
      ...errorResponses(401, 403, 404, 429, 503),
    },
  });
}
