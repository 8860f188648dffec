import express from 'express';
import helmet from 'helmet';
import type { Redis } from 'ioredis';
import type { ApiKeyEntry, Logger } from '@wechat-dispatch/shared';
import type { MessageService } from './domain/message-service';
import { apiKeyAuth } from './http/middleware/api-key-auth';
import { errorHandler, notFound } from './http/middleware/error-handler';
import { jsonOnly } from './http/middleware/json-only';
import { requestId } from './http/middleware/request-id';
import { healthRoutes } from './http/routes/health.routes';
import { messagesRoutes } from './http/routes/messages.routes';

/** Everything the HTTP layer needs, built by main.ts (or a test). */
export interface ApiDeps {
  logger: Logger;
  redis: Redis;
  messages: MessageService;
  apiKeys: readonly ApiKeyEntry[];
  trustProxyHops?: number;
  isShuttingDown?: () => boolean;
}

/** The largest body accepted (CONTRACT §3: 413 above it). */
export const BODY_LIMIT = '1mb';

/** The Express app, without listening. */
export function createApp(deps: ApiDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', deps.trustProxyHops ?? 0);
  app.use(requestId());
  app.use(helmet());
  app.use(healthRoutes(deps.redis, deps.isShuttingDown ?? (() => false)));
  const v1 = express.Router();
  v1.use(apiKeyAuth(deps.apiKeys));
  v1.use(jsonOnly());
  v1.use(express.json({ limit: BODY_LIMIT, type: 'application/json' }));
  v1.use('/messages', messagesRoutes(deps.messages));
  app.use('/v1', v1);
  app.use(notFound());
  app.use(errorHandler(deps.logger));
  return app;
}
