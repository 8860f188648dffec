import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { registerAdminPaths } from './admin-paths';
import { registerComponentPaths } from './component-paths';
import { registerConsolePaths } from './console-paths';
import { registerEventPaths } from './event-paths';
import { registerHistoryPaths } from './history-paths';
import { registerOperationPaths } from './operation-paths';
import { registerV1Paths } from './v1-paths';

/** The OpenAPI document type the generator returns. */
export type OpenApiDocument = ReturnType<OpenApiGeneratorV31['generateDocument']>;

/**
 * The OpenAPI 3.1 document of the whole API, generated from the same zod schemas that validate
 * the requests, so the two cannot drift. Served at `/openapi.json` and rendered at `/docs`.
 */
export function buildOpenApiDocument(): OpenApiDocument {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'apiKey', {
    type: 'http',
    scheme: 'bearer',
    description: 'An API key from API_KEYS; its name is recorded as the caller.',
  });
  registry.registerComponent('securitySchemes', 'dashboard', {
    type: 'http',
    scheme: 'basic',
    description: 'ADMIN_USER / ADMIN_PASSWORD.',
  });
  registry.registerComponent('securitySchemes', 'metricsToken', {
    type: 'http',
    scheme: 'bearer',
    description: 'METRICS_TOKEN, when set (Prometheus: `authorization` / `bearer_token`).',
  });
  registry.registerComponent('securitySchemes', 'accessTokenQuery', {
    type: 'apiKey',
    in: 'query',
    name: 'access_token',
    description: "An API key from API_KEYS, where WeChat's access_token would be.",
  });
  registerV1Paths(registry);
  registerHistoryPaths(registry);
  registerAdminPaths(registry);
  registerOperationPaths(registry);
  registerConsolePaths(registry);
  registerEventPaths(registry);
  registerComponentPaths(registry);
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'wechat-dispatch',
      version: '1.1.0',
      license: { name: 'MIT', identifier: 'MIT' },
      description:
        'Queued, reliable WeChat template and subscribe message sending. A 202 means the message is durably in Redis; a request that could not be stored never gets a 2xx. Errors: `{ error: { code, message, requestId, details? } }`. A method a path does not answer is a 405 `method_not_allowed` with `Allow`; `OPTIONS` answers 204 with the same `Allow`.',
    },
    servers: [{ url: '/' }],
  });
}
