import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { startSandbox } from '@wechat-dispatch/sandbox';
import type { SandboxHandle } from '@wechat-dispatch/sandbox';
import { APP, APP2 } from './helpers/test-apps';

const COMPONENT = {
  componentAppId: 'wxcomponent0000001',
  componentSecret: 'component-secret',
  token: 'component-token',
  encodingAesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
};

type Answer = Record<string, unknown>;

/**
 * The component endpoints wechatpy's `WeChatComponent` calls besides the token ones
 * (`get_authorizer_list`, `get/set_authorizer_option`) and its mobile authorization link
 * (`get_pre_auth_url_m`), over real HTTP.
 */
describe('sandbox component: authorizer list, options and the mobile authorization link', () => {
  let sandbox: SandboxHandle;
  let componentToken: string;

  const call = async (path: string, body: Answer, token = componentToken): Promise<Answer> => {
    const res = await fetch(
      `${sandbox.url}/cgi-bin/component/${path}?component_access_token=${token}`,
      // No Content-Type, as Python's requests sends `data=json.dumps(…)`.
      {
        method: 'POST',
        body: JSON.stringify({ component_appid: COMPONENT.componentAppId, ...body }),
      },
    );
    return (await res.json()) as Answer;
  };

  const authorize = async (appId: string): Promise<string> => {
    const pre = await call('api_create_preauthcode', {});
    const out = await sandbox.platform.authorize(
      COMPONENT.componentAppId,
      String(pre.pre_auth_code),
      appId,
    );
    if (!('authCode' in out)) {
      throw new Error(out.error);
    }
    const auth = await call('api_query_auth', { authorization_code: out.authCode });
    const info = auth.authorization_info as Answer;
    return String(info.authorizer_refresh_token);
  };

  beforeAll(async () => {
    sandbox = await startSandbox({ apps: [APP, APP2], components: [COMPONENT] });
    const ticket = await sandbox.platform.pushTicket(COMPONENT.componentAppId);
    const res = await fetch(`${sandbox.url}/cgi-bin/component/api_component_token`, {
      method: 'POST',
      body: JSON.stringify({
        component_appid: COMPONENT.componentAppId,
        component_appsecret: COMPONENT.componentSecret,
        component_verify_ticket: ticket,
      }),
    });
    componentToken = String(((await res.json()) as Answer).component_access_token);
  });

  afterAll(async () => {
    await sandbox.close();
  });

  it('when two merchants authorized, then api_get_authorizer_list pages them with their current refresh tokens', async () => {
    expect(await call('api_get_authorizer_list', { offset: 0, count: 100 })).toEqual({
      total_count: 0,
      list: [],
    });
    const first = await authorize(APP.appId);
    const second = await authorize(APP2.appId);

    const all = await call('api_get_authorizer_list', { offset: 0, count: 100 });
    const page = await call('api_get_authorizer_list', { offset: 1, count: 1 });

    expect(all).toEqual({
      total_count: 2,
      list: [
        { authorizer_appid: APP.appId, refresh_token: first, auth_time: expect.any(Number) },
        { authorizer_appid: APP2.appId, refresh_token: second, auth_time: expect.any(Number) },
      ],
    });
    expect(page).toEqual({ total_count: 2, list: [(all.list as Answer[])[1]] });
    expect(await call('api_get_authorizer_list', { offset: 0, count: 501 })).toMatchObject({
      errcode: 40170,
    });
    expect(
      await call('api_get_authorizer_list', { offset: 0, count: 1 }, 'component@@@unknown'),
    ).toMatchObject({ errcode: 40001 });
  });

  it('when an option is set, then api_get_authorizer_option answers it; unknown options and values are refused', async () => {
    await authorize(APP.appId);
    const get = (name: string) =>
      call('api_get_authorizer_option', { authorizer_appid: APP.appId, option_name: name });

    const before = await get('voice_recognize');
    const set = await call('api_set_authorizer_option', {
      authorizer_appid: APP.appId,
      option_name: 'voice_recognize',
      option_value: '1',
    });
    const after = await get('voice_recognize');

    expect(before).toEqual({
      authorizer_appid: APP.appId,
      option_name: 'voice_recognize',
      option_value: '0',
    });
    expect(set).toEqual({ errcode: 0, errmsg: 'ok' });
    expect(after).toMatchObject({ option_value: '1' });
    expect(await get('no_such_option')).toMatchObject({ errcode: 40097 });
    expect(
      await call('api_set_authorizer_option', {
        authorizer_appid: APP.appId,
        option_name: 'location_report',
        option_value: '7',
      }),
    ).toMatchObject({ errcode: 40097 });
    expect(
      await call('api_get_authorizer_option', {
        authorizer_appid: 'wx00000000000000ff',
        option_name: 'voice_recognize',
      }),
    ).toMatchObject({ errcode: 61003 });
  });

  it('when the mobile link (safe/bindcomponent) is opened, then it shows the same authorization page', async () => {
    const pre = await call('api_create_preauthcode', {});
    const query = new URLSearchParams({
      action: 'bindcomponent',
      auth_type: '3',
      no_scan: '1',
      component_appid: COMPONENT.componentAppId,
      pre_auth_code: String(pre.pre_auth_code),
      redirect_uri: 'https://platform.example/authorized',
    });

    const res = await fetch(`${sandbox.url}/safe/bindcomponent?${query.toString()}`);
    const html = await res.text();

    expect(res.status).toBe(200);
    expect(html).toContain('action="/sandbox/component/confirm"');
    expect(html).toContain(`value="${String(pre.pre_auth_code)}"`);
  });
});
