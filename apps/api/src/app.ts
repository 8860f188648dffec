import type { RequestListener } from 'node:http';
import express from 'express';
import type { Queue } from 'bullmq';
import type { ApiKeyEntry, Logger, RedisClient } from '@wechat-dispatch/shared';
import {
  QUEUE_CATALOGUE,
  type AppDirectory,
  type ConsentLedger,
  type DeadCallback,
} from '@wechat-dispatch/core';
import { ERRCODE_CATALOGUE } from '@wechat-dispatch/wechat-client';
import type { AppAdmin } from './domain/app-admin';
import type { ComponentAdmin } from './domain/component-admin';
import type { OpenPlatform } from './domain/open-platform';
import { adminComponentsRoutes, componentPushRoutes } from './http/routes/components.routes';
import type { AuthThrottle } from './domain/auth-throttle';
import type { DeadLetterService } from './domain/dead-letter-service';
import type { DispatchTokens } from './domain/dispatch-tokens';
import type { EventReceiver } from './domain/event-receiver';
import type { MessageAdmission } from './domain/message-admission';
import type { MessageHistory } from './domain/message-history';
import type { MessageService } from './domain/message-service';
import type { RequestQuota } from './domain/request-quota';
import { BULL_BOARD_PATH, bullBoardRouter } from './http/bull-board';
import { consoleRoutes } from './http/console/console.routes';
import type { AuthGate } from './http/auth-gate';
import { fastSendRoute, takesFastPath } from './http/fast-send-route';
import { ApiKeys, apiKeyAuth } from './http/middleware/api-key-auth';
import { basicAuth } from './http/middleware/basic-auth';
import { errorHandler, notFound } from './http/middleware/error-handler';
import { jsonOnly } from './http/middleware/json-only';
import { methodGuard } from './http/middleware/method-guard';
import { observeRequests } from './http/middleware/observe-requests';
import { perCallerRateLimit } from './http/middleware/rate-limit';
import { requestId } from './http/middleware/request-id';
import { jsonApiHeaders, securityHeaders } from './http/middleware/security-headers';
import { buildOpenApiDocument, type OpenApiDocument } from './http/openapi/openapi-document';
import { adminAppsRoutes } from './http/routes/admin-apps.routes';
import { consentsRoutes } from './http/routes/consents.routes';
import { deadLettersRoutes } from './http/routes/dead-letters.routes';
import { docsRoutes } from './http/routes/docs.routes';
import { healthRoutes } from './http/routes/health.routes';
import { messagesRoutes } from './http/routes/messages.routes';
import { statsRoutes } from './http/routes/stats.routes';
import { metricsRoutes } from './http/routes/metrics.routes';
import { wechatCompatRoutes } from './http/routes/wechat-compat.routes';
import { wechatEventsRoutes } from './http/routes/wechat-events.routes';
import { wechatTokenRoutes } from './http/routes/wechat-token.routes';
import { WECHAT_PROXY_MOUNTS, wechatProxyRoutes } from './http/routes/wechat-proxy.routes';
import type { WeChatProxy } from './domain/wechat-proxy';
import { routesOfPaths, subtreeRoute, type RouteMethods } from './http/route-methods';
import type { ApiMetrics } from './metrics';

/** Everything the HTTP layer needs, built by main.ts (or a test) with `buildApiDeps`. */
export interface ApiDeps {
  logger: Logger;
  /** The producer connection: readiness checks. */
  redis: RedisClient;
  /** A key of the service's hash tag: readiness asks the node that serves it. */
  readinessKey?: string;
  messages: MessageService;
  /** Search, stats and the archive fallback of reads by id (#20). */
  history: MessageHistory;
  deadLetters: DeadLetterService;
  /** WeChat's event pushes (`/wechat/events/:appId`). */
  events: EventReceiver;
  /** The subscription consent ledger (`/v1/consents`). */
  consents: ConsentLedger;
  admission: MessageAdmission;
  /** Dispatch tokens of `/cgi-bin/token` and the compat routes. */
  dispatchTokens: DispatchTokens;
  /** Whether an app is known (the token routes answer 40013 otherwise). */
  isKnownApp: (appId: string) => boolean;
  /** The compat routes' numeric msgids. */
  compatMsgIds: { assign(messageId: string): Promise<number> };
  /** The apps: the proxy's `appid`, and the `appId` values the served OpenAPI document names. */
  apps: AppDirectory;
  /** The central token proxy (`WECHAT_PROXY`); none = every proxied call answers 48001. */
  proxy?: {
    proxy: WeChatProxy;
    enabledFor: (appId: string) => boolean;
    allowedPrefixes: readonly string[];
    timeoutMs: number;
  };
  /** The app registry's operator routes (`/v1/admin/apps`). */
  appAdmin: AppAdmin;
  /** The Open Platform's WeChat side (`/wechat/component`); none = those routes answer 503. */
  openPlatform?: OpenPlatform;
  /** The components' operator routes (`/v1/admin/components`). */
  componentAdmin: ComponentAdmin;
  /** Every queue, for the dashboard: each app's send queue and `dead-letters`. */
  queues: readonly Queue[];
  metrics: ApiMetrics;
  /** The per-caller request limit (shared by replicas); none = no limit. */
  quota?: RequestQuota;
  apiKeys: readonly ApiKeyEntry[];
  /** Callers that see every caller's records. @defaultValue none */
  adminCallers?: readonly string[];
  /** Dashboard credentials; without them `/admin/queues` answers 404. */
  admin?: { user: string; password: string };
  /** `trust proxy` hops, for `req.ip` behind load balancers. @defaultValue 0 */
  trustProxyHops?: number;
  /** Throttles failed authentication per client address; none = never throttled. */
  authThrottle?: AuthThrottle;
  /** Bearer token of `/metrics` (`METRICS_TOKEN`); none = open. */
  metricsToken?: string;
  isShuttingDown?: () => boolean;
}

/** The largest body accepted, in bytes (CONTRACT §3: 413 above it). */
export const BODY_LIMIT_BYTES = 1024 * 1024;

/** The API: the request listener to serve, and the Express app behind it. */
export interface ApiApp {
  /** `POST /v1/messages` on the send fast path, everything else through Express. */
  listener: RequestListener;
  /** Every route, the send route included (for requests the fast path leaves to it). */
  express: express.Express;
}

/**
 * The API, without listening: {@link createExpressApp} behind the send fast path, which takes
 * the plain `POST /v1/messages` requests (the hot path) and runs the same steps without
 * Express's per-request overhead (http/fast-send-route.ts).
 */
export function createApp(deps: ApiDeps): ApiApp {
  const app = createExpressApp(deps);
  const fastSend = fastSendRoute({
    messages: deps.messages,
    apiKeys: new ApiKeys({ keys: deps.apiKeys, adminCallers: deps.adminCallers }),
    authGate: authGateOf(deps),
    quota: deps.quota,
    logger: deps.logger,
    metrics: deps.metrics,
    securityHeaders: jsonApiHeaders(),
  });
  const listener: RequestListener = (req, res) => {
    if (takesFastPath(req, BODY_LIMIT_BYTES)) {
      fastSend(req, res);
    } else {
      app(req, res);
    }
  };
  return { listener, express: app };
}

/** Where failed authentications are counted: the throttle and how to tell the client. */
function authGateOf(deps: ApiDeps): AuthGate {
  return { throttle: deps.authThrottle, trustProxyHops: deps.trustProxyHops };
}

/**
 * The paths the app routes and their methods, from its OpenAPI document; Swagger UI's pages and
 * assets answer GET only. Bull Board's own routes under its mount are its own.
 */
function routeMethodsOf(document: OpenApiDocument, withDashboard: boolean): RouteMethods[] {
  const paths = Object.fromEntries(
    Object.entries(document.paths ?? {}).filter(
      ([path]) => withDashboard || !path.startsWith('/admin'),
    ),
  );
  return [...routesOfPaths(paths), subtreeRoute('/docs', ['GET'])];
}

/**
 * The Express app: every route. Order: request id → request log/metrics → security headers
 * (helmet) → methods (405, OPTIONS) → `/v1` (API key → rate limit → JSON only → body parser → routes) →
 * WeChat's token routes (dispatch tokens) → WeChat-compatible routes (their own key, limiter and
 * error shape) → the central token proxy (`/cgi-bin`, `/wxa`, `/datacube`) → WeChat's event pushes →
 * public operational routes → dashboard and console (basic auth) → 404 → the error handler. No ETags:
 * every answer is fresh state, and hashing each body costs the send path.
 */
export function createExpressApp(deps: ApiDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('trust proxy', deps.trustProxyHops ?? 0);
  const document = buildOpenApiDocument();
  const routes = routeMethodsOf(document, deps.admin !== undefined);
  app.use(requestId());
  app.use(observeRequests(deps.logger, deps.metrics, routes));
  app.use(securityHeaders());
  app.use(methodGuard(routes));
  // The send path first: every layer ahead of it is matched against every message.
  const rateLimit = perCallerRateLimit(deps.quota);
  const gate = authGateOf(deps);
  const v1 = express.Router();
  v1.use(apiKeyAuth({ keys: deps.apiKeys, adminCallers: deps.adminCallers, gate }));
  v1.use(rateLimit);
  v1.use(jsonOnly());
  v1.use(express.json({ limit: BODY_LIMIT_BYTES, type: 'application/json' }));
  v1.use('/messages', messagesRoutes(deps.messages, deps.history));
  v1.use('/stats', statsRoutes(deps.history));
  v1.use('/dead-letters', deadLettersRoutes(deps.deadLetters));
  v1.use('/consents', consentsRoutes(deps.consents, deps.admission));
  v1.use('/admin/apps', adminAppsRoutes(deps.appAdmin));
  v1.use('/admin/components', adminComponentsRoutes(deps.componentAdmin));
  app.use('/v1', v1);

  app.use(
    '/cgi-bin',
    wechatTokenRoutes({
      tokens: deps.dispatchTokens,
      isKnownApp: deps.isKnownApp,
      authGate: gate,
      bodyLimit: BODY_LIMIT_BYTES,
      logger: deps.logger,
    }),
  );
  app.use(
    '/cgi-bin/message',
    wechatCompatRoutes({
      messages: deps.messages,
      msgIds: deps.compatMsgIds,
      apiKeys: deps.apiKeys,
      tokens: deps.dispatchTokens,
      rateLimit,
      authGate: gate,
      bodyLimit: BODY_LIMIT_BYTES,
      logger: deps.logger,
    }),
  );

  app.use(
    WECHAT_PROXY_MOUNTS,
    wechatProxyRoutes({
      proxy: deps.proxy?.proxy,
      enabledFor: deps.proxy?.enabledFor ?? (() => false),
      allowedPrefixes: deps.proxy?.allowedPrefixes ?? [],
      timeoutMs: deps.proxy?.timeoutMs ?? 10_000,
      apps: deps.apps,
      apiKeys: deps.apiKeys,
      tokens: deps.dispatchTokens,
      rateLimit,
      authGate: gate,
      bodyLimit: 10 * BODY_LIMIT_BYTES,
      logger: deps.logger,
      onCall: (prefix, outcome) => deps.metrics.countProxied(prefix, outcome),
    }),
  );

  // WeChat's pushes: no API key (the signature is the credential), no rate limit (WeChat's
  // retries must get in), raw text body.
  app.use('/wechat/events', wechatEventsRoutes(deps.events));
  app.use('/wechat/component', componentPushRoutes(deps.openPlatform, deps.events));

  app.use(healthRoutes(deps.redis, deps.isShuttingDown ?? (() => false), deps.readinessKey));
  app.use(metricsRoutes(deps.metrics.registry, deps.metricsToken, gate));
  app.use(docsRoutes(document, deps.apps));
  if (deps.admin) {
    const dashboardAuth = basicAuth(deps.admin, gate);
    app.use(BULL_BOARD_PATH, dashboardAuth, bullBoardRouter(deps.queues));
    app.use(
      '/admin',
      dashboardAuth,
      consoleRoutes({
        user: deps.admin.user,
        messages: deps.messages,
        history: deps.history,
        deadLetters: deps.deadLetters,
        callbackDeadLetters: deps.queues.find(
          (q) => q.name === QUEUE_CATALOGUE.callbackDeadLetters.name,
        ) as Queue<DeadCallback>,
        apps: deps.apps,
        queueNames: deps.queues.map((q) => q.name),
        meaningOf: (errcode) => ERRCODE_CATALOGUE.get(errcode)?.meaning,
        logger: deps.logger,
      }),
    );
  }

  app.use(notFound());
  app.use(errorHandler(deps.logger));
  return app;
}
