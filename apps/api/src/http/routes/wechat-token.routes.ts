import express, { Router, type Request, type Response } from 'express';
import type { Logger } from '@wechat-dispatch/shared';
import type { DispatchTokens, IssuedToken } from '../../domain/dispatch-tokens';
import { gatedAuthentication, type AuthGate } from '../auth-gate';
import {
  WeChatCredentialRefusal,
  WeChatRequestRefusal,
  wechatErrorHandler,
} from '../middleware/wechat-error-handler';

/** Dependencies of {@link wechatTokenRoutes}. */
export interface WeChatTokenDeps {
  tokens: DispatchTokens;
  /** Whether the app is known to this process. */
  isKnownApp: (appId: string) => boolean;
  /** Wrong secrets and unknown appids counted per client address. @defaultValue none */
  authGate?: AuthGate;
  bodyLimit: number;
  logger: Logger;
}

/** A token request's fields, whichever route it came through. */
interface TokenRequest {
  grantType: unknown;
  appid: unknown;
  secret: unknown;
}

const nonEmpty = (value: unknown): value is string => typeof value === 'string' && value !== '';

/**
 * Checks a token request as WeChat does, in WeChat's order: grant type (40002), appid present
 * (41002), secret present (41004), appid known (40013), secret right (40125).
 * @throws WeChatRequestRefusal, WeChatCredentialRefusal
 */
function checkRequest(
  deps: WeChatTokenDeps,
  request: TokenRequest,
): { appId: string; secret: string } {
  if (request.grantType !== 'client_credential') {
    throw new WeChatRequestRefusal(40002, 'invalid grant_type', 'grant_type');
  }
  if (!nonEmpty(request.appid)) {
    throw new WeChatRequestRefusal(41002, 'appid missing', 'appid');
  }
  if (!nonEmpty(request.secret)) {
    throw new WeChatRequestRefusal(41004, 'appsecret missing', 'secret');
  }
  return { appId: request.appid, secret: request.secret };
}

/**
 * The token routes a legacy caller fetches its access_token from: `GET /cgi-bin/token` and
 * `POST /cgi-bin/stable_token`, checked against the app's AppSecret and answered in WeChat's
 * shape with a dispatch token (never WeChat's). Wrong secrets and unknown appids go through
 * the failed-authentication throttle and never reach WeChat.
 */
export function wechatTokenRoutes(deps: WeChatTokenDeps): Router {
  const router = Router();
  const answer = (
    req: Request,
    res: Response,
    request: TokenRequest,
    issue: (appId: string) => IssuedToken,
  ) => {
    const { appId, secret } = checkRequest(deps, request);
    const issued = gatedAuthentication(deps.authGate, req, res, true, () => {
      if (!deps.isKnownApp(appId)) {
        throw new WeChatCredentialRefusal(40013, 'invalid appid');
      }
      if (!deps.tokens.secretMatches(appId, secret)) {
        throw new WeChatCredentialRefusal(40125, 'invalid appsecret');
      }
      return issue(appId);
    });
    if (issued instanceof Promise) {
      return issued;
    }
    res.setHeader('Cache-Control', 'no-store');
    res.json(issued);
    return undefined;
  };

  router.get('/token', (req, res) =>
    answer(
      req,
      res,
      { grantType: req.query.grant_type, appid: req.query.appid, secret: req.query.secret },
      (appId) => deps.tokens.issue(appId),
    ),
  );
  const json = express.json({ type: () => true, limit: deps.bodyLimit });
  router.post('/stable_token', json, (req, res) => {
    const body = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as Record<
      string,
      unknown
    >;
    return answer(
      req,
      res,
      { grantType: body.grant_type, appid: body.appid, secret: body.secret },
      (appId) =>
        body.force_refresh === true ? deps.tokens.issue(appId) : deps.tokens.issueStable(appId),
    );
  });
  router.use(wechatErrorHandler(deps.logger));
  return router;
}
