import { Router } from 'express';
import { isRecord, parseBody } from '../domain/parse-body';
import { writeWeChat } from '../http/reply';
import { authorizationPage } from './authorization-page';
import { AuthorizerManagement } from './authorizer-management';
import type { Request, Response } from 'express';
import type { ComponentPlatform } from './component-platform';

function query(req: Request, name: string): string | undefined {
  const v: unknown = (req.query as Record<string, unknown>)[name];
  return typeof v === 'string' ? v : undefined;
}

function jsonBody(req: Request): Record<string, unknown> | undefined {
  const body = parseBody(req.body);
  return body.ok && isRecord(body.value) ? body.value : undefined;
}

function answer(res: Response, out: Record<string, unknown>): void {
  writeWeChat(res, out);
}

const FORMAT_ERROR = { errcode: 47001, errmsg: 'data format error' };

/**
 * The Open Platform's routes: the component endpoints, the authorization page
 * (`/cgi-bin/componentloginpage`, and the mobile link `/safe/bindcomponent`, both on
 * mp.weixin.qq.com at WeChat) and its confirm button.
 */
export function componentRoutes(platform: ComponentPlatform): Router {
  const router = Router();
  const management = new AuthorizerManagement(platform);
  const withToken = (
    path: string,
    call: (token: string | undefined, body: Record<string, unknown>) => Record<string, unknown>,
  ) =>
    router.post(`/cgi-bin/component/${path}`, (req, res) => {
      const body = jsonBody(req);
      answer(res, body ? call(query(req, 'component_access_token'), body) : FORMAT_ERROR);
    });
  withToken('api_get_authorizer_list', (token, body) => management.list(token, body));
  withToken('api_get_authorizer_option', (token, body) => management.getOption(token, body));
  withToken('api_set_authorizer_option', (token, body) => management.setOption(token, body));
  router.post('/cgi-bin/component/api_component_token', (req, res) => {
    const body = jsonBody(req);
    answer(res, body ? platform.componentToken(body) : FORMAT_ERROR);
  });
  router.post('/cgi-bin/component/api_create_preauthcode', (req, res) => {
    answer(res, platform.preAuthCode(query(req, 'component_access_token')));
  });
  router.post('/cgi-bin/component/api_query_auth', (req, res) => {
    const body = jsonBody(req);
    answer(
      res,
      body ? platform.queryAuth(query(req, 'component_access_token'), body) : FORMAT_ERROR,
    );
  });
  router.post('/cgi-bin/component/api_authorizer_token', (req, res) => {
    const body = jsonBody(req);
    answer(
      res,
      body ? platform.authorizerToken(query(req, 'component_access_token'), body) : FORMAT_ERROR,
    );
  });
  router.post('/cgi-bin/component/api_get_authorizer_info', (req, res) => {
    const body = jsonBody(req);
    answer(
      res,
      body ? platform.authorizerInfo(query(req, 'component_access_token'), body) : FORMAT_ERROR,
    );
  });
  const page = (req: Request, res: Response) => {
    const out = authorizationPage(platform, {
      componentAppId: query(req, 'component_appid') ?? '',
      preAuthCode: query(req, 'pre_auth_code') ?? '',
      redirectUri: query(req, 'redirect_uri') ?? '',
      authType: query(req, 'auth_type'),
    });
    res.status(out.status).type('html').send(out.html);
  };
  router.get('/cgi-bin/componentloginpage', page);
  router.get('/safe/bindcomponent', page);
  router.post('/sandbox/component/confirm', async (req: Request, res: Response) => {
    // The body arrives as text (the app's parser): a urlencoded form.
    const form = new URLSearchParams(typeof req.body === 'string' ? req.body : '');
    const field = (name: string) => form.get(name) ?? '';
    const redirectUri = field('redirect_uri');
    const out = await platform.authorize(
      field('component_appid'),
      field('pre_auth_code'),
      field('authorizer_appid'),
    );
    if ('error' in out || !/^https?:\/\//.test(redirectUri)) {
      res
        .status(400)
        .type('text/plain')
        .send('error' in out ? out.error : 'bad redirect_uri');
      return;
    }
    const target = new URL(redirectUri);
    target.searchParams.set('auth_code', out.authCode);
    target.searchParams.set('expires_in', '3600');
    res.redirect(302, target.toString());
  });
  return router;
}
