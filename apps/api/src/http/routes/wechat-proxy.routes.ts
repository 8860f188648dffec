import express, { Router, type RequestHandler } from 'express';
import { AppError, ERROR_CODES, type ApiKeyEntry, type Logger } from '@wechat-dispatch/shared';
import type { AppDirectory } from '@wechat-dispatch/core';
import type { DispatchTokens } from '../../domain/dispatch-tokens';
import { resolveAppId } from '../../domain/resolve-app';
import { allowedPrefixOf, type WeChatProxy } from '../../domain/wechat-proxy';
import { ForwardFailure } from '../../infra/wechat-forwarder';
import type { AuthGate } from '../auth-gate';
import { compatAuth } from '../middleware/compat-auth';
import { WeChatRequestRefusal, wechatErrorHandler } from '../middleware/wechat-error-handler';
import { localsOf } from '../request-locals';

/** The mounts the proxy answers under. */
export const WECHAT_PROXY_MOUNTS = ['/cgi-bin', '/wxa', '/datacube'];

/** Dependencies of {@link wechatProxyRoutes}. */
export interface WeChatProxyRouteDeps {
  /** None: the proxy is off (every call answers 48001). */
  proxy?: WeChatProxy;
  /** Whether the proxy is on for the app (`WECHAT_PROXY`). */
  enabledFor: (appId: string) => boolean;
  /** Path prefixes forwarded (`WECHAT_PROXY_PATHS`). */
  allowedPrefixes: readonly string[];
  timeoutMs: number;
  apps: AppDirectory;
  apiKeys: readonly ApiKeyEntry[];
  tokens?: DispatchTokens;
  rateLimit: RequestHandler;
  authGate?: AuthGate;
  bodyLimit: number;
  logger: Logger;
  /** One proxied call by allow-list prefix and outcome (`ok`, `errcode`, `refused`, `failed`). */
  onCall?: (prefix: string, outcome: string) => void;
}

/**
 * The central token proxy for every other WeChat API under `/cgi-bin`, `/wxa` and `/datacube`:
 * a call with a dispatch token (its app) or an API key (`appid` in the query when several
 * apps) is forwarded to WeChat with the app's shared real token, and WeChat's answer — status,
 * body, media bytes — comes back unchanged. Paths outside the allow-list and apps without the
 * proxy answer 48001; no answer from WeChat in time answers -1 (retry), as WeChat's own
 * "system busy".
 */
export function wechatProxyRoutes(deps: WeChatProxyRouteDeps): Router {
  const router = Router();
  const auth = compatAuth({ keys: deps.apiKeys, tokens: deps.tokens, gate: deps.authGate });
  const raw = express.raw({ type: () => true, limit: deps.bodyLimit });
  const allowed: RequestHandler = (req, res, next) => {
    const path = `${req.baseUrl}${req.path}`;
    const prefix = allowedPrefixOf(path, deps.allowedPrefixes);
    if (prefix === undefined) {
      deps.onCall?.('none', 'refused');
      throw new WeChatRequestRefusal(
        48001,
        'api unauthorized: this path is not forwarded (WECHAT_PROXY_PATHS)',
        'path',
      );
    }
    localsOf(res).route = `${prefix}*`;
    next();
  };
  router.use(allowed, auth, deps.rateLimit, raw, async (req, res) => {
    const locals = localsOf(res);
    const prefix = (locals.route ?? '').replace(/\*$/, '');
    const query = new URLSearchParams(req.originalUrl.split('?')[1] ?? '');
    query.delete('access_token');
    const appId =
      locals.tokenAppId ??
      resolveAppId(query.get('appid') ?? undefined, deps.apps, 'appid', locals.scope);
    if (!deps.proxy || !deps.enabledFor(appId)) {
      deps.onCall?.(prefix, 'refused');
      throw new WeChatRequestRefusal(
        48001,
        `api unauthorized: the central token proxy is off for ${appId} (WECHAT_PROXY)`,
        'appid',
      );
    }
    const body = Buffer.isBuffer(req.body) ? req.body : undefined;
    try {
      const answer = await deps.proxy.call(appId, {
        method: req.method,
        path: `${req.baseUrl}${req.path}`,
        query,
        contentType: req.headers['content-type'],
        body,
        timeoutMs: deps.timeoutMs,
      });
      deps.onCall?.(prefix, answer.status === 200 ? 'ok' : 'status');
      res.status(answer.status);
      for (const [name, value] of Object.entries(answer.headers)) {
        res.setHeader(name, value);
      }
      res.end(answer.body);
    } catch (err) {
      deps.onCall?.(prefix, 'failed');
      throw err instanceof ForwardFailure
        ? new AppError(ERROR_CODES.INTERNAL, 503, err.message, { cause: err })
        : err;
    }
  });
  router.use(wechatErrorHandler(deps.logger));
  return router;
}
