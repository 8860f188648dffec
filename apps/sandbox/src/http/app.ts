import express from 'express';
import { controlRoutes } from './control.routes';
import { wechatRoutes } from './wechat.routes';
import { scenarioRoutes } from './scenario.routes';
import { inboxRoutes } from './inbox.routes';
import { writeJson } from './reply';
import { createSandboxControl } from '../control/sandbox-control';
import type { Express, NextFunction, Request, Response } from 'express';
import type { SandboxControl } from '../control/sandbox-control';
import type { SandboxState } from '../state/sandbox-state';
import { componentRoutes } from '../component/component.routes';
import type { ComponentPlatform } from '../component/component-platform';

/**
 * The sandbox's Express app, without listening, so supertest can drive it.
 *
 * @param control - shares the handle's control surface; built from `state` when omitted
 */
export function createSandboxApp(
  state: SandboxState,
  control?: SandboxControl,
  platform?: ComponentPlatform,
): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  // Bodies are read as text whatever their Content-Type: WeChat parses JSON sent as text/plain.
  app.use(express.text({ type: () => true, limit: '1mb' }));
  app.use((req, _res, next) => {
    // Only the path: the query of a WeChat call carries the access_token or the secret.
    state.logger.debug('request', { method: req.method, path: req.path });
    next();
  });
  app.use(wechatRoutes(state));
  if (platform) {
    app.use(componentRoutes(platform));
  }
  const ctl = control ?? createSandboxControl(state);
  app.use(controlRoutes(state, ctl));
  app.use(scenarioRoutes(ctl));
  app.use(inboxRoutes(state));
  app.use((_req: Request, res: Response) => {
    writeJson(res, { errcode: 404, errmsg: 'not found (sandbox)' }, 404);
  });
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const status =
      typeof err === 'object' && err !== null && 'status' in err && typeof err.status === 'number'
        ? err.status
        : 500;
    if (status >= 500) {
      state.logger.error('request failed', { err: String(err) });
    }
    // WeChat answers an unreadable body with 47001 on HTTP 200.
    writeJson(res, { errcode: 47001, errmsg: 'data format error' }, status < 500 ? 200 : status);
  });
  return app;
}
