import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { WECHAT_COMPAT_ROUTES } from '../routes/wechat-compat.routes';
import {
  wechatQuerySchema,
  wechatStableTokenBodySchema,
  wechatTokenAnswerSchema,
  wechatTokenQuerySchema,
} from '../schemas/wechat-compat.schema';
import { errorResponses, json, wechatAnswer } from './responses';

const text = (description: string, type = 'text/plain') => ({
  description,
  content: { [type]: { schema: z.string() } },
});

/** `/template/send` → `wechatTemplateSend`. */
const compatOperationId = (path: string): string =>
  `wechat${path.replace(/\/(\w)/g, (_m, c: string) => c.toUpperCase())}`;

/** The WeChat-compatible routes and the operational ones. */
export function registerOperationPaths(registry: OpenAPIRegistry): void {
  for (const route of WECHAT_COMPAT_ROUTES) {
    registry.registerPath({
      method: 'post',
      path: `/cgi-bin/message${route.path}`,
      operationId: compatOperationId(route.path),
      tags: ['WeChat-compatible'],
      summary: `WeChat's ${route.path.slice(1)} endpoint, queued (type ${route.type})`,
      description:
        'Change only the base URL: the SDK fetches a dispatch token from /cgi-bin/token with its appid and secret (or puts an API key where the access_token was). `msgid` is a JSON integer. Empty optional fields (`url: ""`) and unknown fields are ignored as WeChat ignores them; `data.*.color` is ignored; `client_msg_id` is the Idempotency-Key.',
      security: [{ accessTokenQuery: [] }],
      request: {
        query: wechatQuerySchema,
        body: { required: true, content: { 'application/json': { schema: route.schema } } },
      },
      responses: wechatAnswer,
    });
  }
  const tokenAnswer = {
    '200': json(
      'A dispatch token, or WeChat’s error shape (always HTTP 200).',
      wechatTokenAnswerSchema,
    ),
  };
  registry.registerPath({
    method: 'get',
    path: '/cgi-bin/token',
    operationId: 'wechatToken',
    tags: ['WeChat-compatible'],
    summary: 'WeChat’s token endpoint for legacy callers: a dispatch token for the app',
    security: [],
    request: { query: wechatTokenQuerySchema },
    responses: tokenAnswer,
  });
  registry.registerPath({
    method: 'post',
    path: '/cgi-bin/stable_token',
    operationId: 'wechatStableToken',
    tags: ['WeChat-compatible'],
    summary: 'WeChat’s stable token endpoint: the same dispatch token within its window',
    security: [],
    request: {
      body: {
        required: true,
        content: { 'application/json': { schema: wechatStableTokenBodySchema } },
      },
    },
    responses: tokenAnswer,
  });
  const status = z.object({ status: z.string() }).catchall(z.unknown());
  registry.registerPath({
    method: 'get',
    path: '/healthz',
    operationId: 'getLiveness',
    security: [],
    tags: ['operations'],
    summary: 'Liveness: 200 while the process runs',
    responses: { '200': json('Up.', status) },
  });
  registry.registerPath({
    method: 'get',
    path: '/readyz',
    operationId: 'getReadiness',
    security: [],
    tags: ['operations'],
    summary: 'Readiness: 200 when Redis answers and the process is not shutting down',
    responses: { '200': json('Ready.', status), '503': json('Not ready.', status) },
  });
  registry.registerPath({
    method: 'get',
    path: '/metrics',
    operationId: 'getMetrics',
    tags: ['operations'],
    summary:
      'Prometheus metrics; a bearer METRICS_TOKEN when set, else open (internal network only)',
    security: [{ metricsToken: [] }, {}],
    responses: {
      '200': text('Prometheus text format.'),
      ...errorResponses(401, 429),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/openapi.json',
    operationId: 'getOpenApiDocument',
    security: [],
    tags: ['operations'],
    summary: 'This document',
    responses: { '200': json('OpenAPI 3.1.', z.object({}).catchall(z.unknown())) },
  });
  registry.registerPath({
    method: 'get',
    path: '/docs',
    operationId: 'getDocsPage',
    security: [],
    tags: ['operations'],
    summary: 'This document rendered (Swagger UI, served locally, at `/docs/`)',
    responses: {
      '301': {
        description: 'To `/docs/`, where the page and its assets are served.',
        headers: z.object({ Location: z.literal('/docs/') }),
      },
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/admin/queues',
    operationId: 'getQueueDashboard',
    tags: ['operations'],
    summary: 'Bull Board over every queue (read-only), behind basic auth; 404 when not configured',
    security: [{ dashboard: [] }],
    responses: { '200': text('HTML.', 'text/html'), ...errorResponses(401, 429) },
  });
}
