import { Router } from 'express';
import { issueClassicToken, issueStableToken, knownAppId } from '../domain/issue-token';
import { parseBody, stringField } from '../domain/parse-body';
import { processSend } from '../domain/send-message';
import { wechatError } from '../domain/errcodes';
import { menuGet, qrcodeCreate, userInfo } from '../domain/other-apis';
import { runWeChatCall } from './wechat-call';
import { writeWeChat } from './reply';
import type { Request, Response } from 'express';
import type { WeChatBody } from './reply';
import type { SandboxState } from '../state/sandbox-state';
import type { SendApi } from '../types';

/** Path of each send API. */
export const SEND_PATHS: Readonly<Record<SendApi, string>> = {
  template: '/cgi-bin/message/template/send',
  subscribe: '/cgi-bin/message/subscribe/send',
  bizsend: '/cgi-bin/message/subscribe/bizsend',
};

const RETIRED: readonly (readonly [string, number])[] = [
  ['/cgi-bin/message/wxopen/template/uniform_send', 45109],
  ['/cgi-bin/message/wxopen/template/send', 45103],
];

function query(req: Request, name: string): string | undefined {
  const v: unknown = (req.query as Record<string, unknown>)[name];
  return typeof v === 'string' ? v : undefined;
}

/** The app of a request's `access_token`, when the token is known. */
function appOfToken(state: SandboxState, req: Request): string | undefined {
  const token = query(req, 'access_token');
  return token === undefined ? undefined : state.tokens.appOf(token);
}

/** A few of WeChat's other APIs, so a central token proxy can be tested offline. */
function otherRoutes(router: Router, state: SandboxState): void {
  router.get('/cgi-bin/user/info', async (req, res) => {
    const appid = appOfToken(state, req);
    state.stats.otherCall(appid ?? 'unknown', 'user_info');
    await runWeChatCall(
      state,
      req,
      res,
      { api: 'user_info', appid, touser: query(req, 'openid') },
      () => userInfo(state, query(req, 'access_token'), query(req, 'openid'), query(req, 'lang')),
    );
  });
  router.get('/cgi-bin/menu/get', async (req, res) => {
    const appid = appOfToken(state, req);
    state.stats.otherCall(appid ?? 'unknown', 'menu_get');
    await runWeChatCall(state, req, res, { api: 'menu_get', appid, touser: undefined }, () =>
      menuGet(state, query(req, 'access_token')),
    );
  });
  router.post('/cgi-bin/qrcode/create', async (req, res) => {
    const appid = appOfToken(state, req);
    state.stats.otherCall(appid ?? 'unknown', 'qrcode_create');
    await runWeChatCall(state, req, res, { api: 'qrcode_create', appid, touser: undefined }, () =>
      qrcodeCreate(state, query(req, 'access_token'), parseBody(req.body)),
    );
  });
}

/** WeChat's own routes: the two token endpoints, the three send endpoints and a few others. */
export function wechatRoutes(state: SandboxState): Router {
  const router = Router();

  router.get('/cgi-bin/token', async (req, res) => {
    const appid = knownAppId(state, query(req, 'appid'));
    state.stats.tokenCall(appid ?? 'unknown', 'token');
    await runWeChatCall(
      state,
      req,
      res,
      { api: 'token', appid, touser: undefined },
      (): WeChatBody => {
        const out = issueClassicToken(state, {
          grant_type: query(req, 'grant_type'),
          appid: query(req, 'appid'),
          secret: query(req, 'secret'),
        });
        return out.ok
          ? { access_token: out.access_token, expires_in: out.expires_in }
          : { ...out.error };
      },
    );
  });

  router.post('/cgi-bin/stable_token', async (req, res) => {
    const body = parseBody(req.body);
    const appid = knownAppId(state, body.ok ? stringField(body.value, 'appid') : undefined);
    state.stats.tokenCall(appid ?? 'unknown', 'stable_token');
    await runWeChatCall(
      state,
      req,
      res,
      { api: 'stable_token', appid, touser: undefined },
      (): WeChatBody => {
        const out = issueStableToken(state, body);
        return out.ok
          ? { access_token: out.access_token, expires_in: out.expires_in }
          : { ...out.error };
      },
    );
  });
  router.get('/cgi-bin/stable_token', (_req, res) => writeWeChat(res, { ...wechatError(43002) }));

  for (const [api, path] of Object.entries(SEND_PATHS) as [SendApi, string][]) {
    router.post(path, async (req: Request, res: Response) => {
      const token = query(req, 'access_token');
      const appid = token === undefined ? undefined : state.tokens.appOf(token);
      const body = parseBody(req.body);
      const touser = body.ok ? stringField(body.value, 'touser') : undefined;
      state.stats.sendCall(appid ?? 'unknown', api);
      await runWeChatCall(state, req, res, { api, appid, touser }, (): WeChatBody => {
        const out = processSend(state, api, token, body);
        return out.ok ? { errcode: 0, errmsg: 'ok', msgid: out.msgid } : { ...out.error };
      });
    });
    router.get(path, (_req, res) => writeWeChat(res, { ...wechatError(43002) }));
  }
  otherRoutes(router, state);
  // Withdrawn by WeChat (uniform_send on 2023-09-20, MP template send on 2020-01-10).
  for (const [path, errcode] of RETIRED) {
    router.post(path, (_req, res) => {
      state.stats.answer(errcode);
      writeWeChat(res, { ...wechatError(errcode) });
    });
  }
  return router;
}
