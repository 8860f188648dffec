import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { RecordStore } from '@wechat-dispatch/core';
import { DispatchTokens } from '../src/domain/dispatch-tokens';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { APP_ID, OTHER_APP_ID, OPS_KEY, startTestApi, type TestApi } from './helpers/test-api';

const SECRET_A = 'secret-of-app-a-0000000000000001';
const SECRET_B = 'secret-of-app-b-0000000000000002';
const OPENID = 'oWeChatUser0001';

interface TokenAnswer {
  access_token?: string;
  expires_in?: number;
  errcode?: number;
  errmsg?: string;
  msgid?: number;
}

const template = (overrides: Record<string, unknown> = {}) => ({
  touser: OPENID,
  template_id: 'TPL_ORDER_SHIPPED',
  data: { thing1: { value: '订单已发货' } },
  ...overrides,
});

describe('WeChat token routes and dispatch tokens, with two apps', () => {
  let api: TestApi;
  let records: RecordStore;

  beforeAll(async () => {
    api = await startTestApi({
      appIds: [APP_ID, OTHER_APP_ID],
      appSecrets: [
        { appId: APP_ID, appSecret: SECRET_A },
        { appId: OTHER_APP_ID, appSecret: SECRET_B },
      ],
      compatCallers: { [OTHER_APP_ID]: 'legacy-crm' },
      trustProxyHops: 1,
      consent: { mode: 'enforce' },
    });
    records = new RecordStore({ redis: api.redis, keyspace: api.keyspace });
  });

  afterAll(async () => {
    await api.close();
  });

  const fetchToken = (appid: string, secret: string, from = '198.51.100.1') =>
    request(api.app)
      .get(`/cgi-bin/token?grant_type=client_credential&appid=${appid}&secret=${secret}`)
      .set('X-Forwarded-For', from);
  const tokenOf = async (appid: string, secret: string) =>
    ((await fetchToken(appid, secret)).body as TokenAnswer).access_token!;
  const sendWith = (token: string, body: unknown, path = 'template/send') =>
    request(api.app)
      .post(`/cgi-bin/message/${path}?access_token=${encodeURIComponent(token)}`)
      .send(body as object);
  const messageOf = async (msgid: number | undefined) => {
    const res = await request(api.app)
      .get(`/v1/messages/${msgid}`)
      .set('authorization', `Bearer ${OPS_KEY}`);
    return res.body as { id: string; appId: string; caller: string };
  };

  it('when an SDK fetches a token with its appid and secret, then it gets WeChat’s shape with a dispatch token', async () => {
    const res = await fetchToken(APP_ID, SECRET_A);

    expect(res.status).toBe(200);
    expect(res.body).toEqual({ access_token: expect.stringMatching(/^wxdt_/), expires_in: 7200 });
    expect(res.text).not.toContain(SECRET_A);
  });

  it.each<[string, string, string, string, number]>([
    ['a wrong secret', 'client_credential', APP_ID, 'wrong-secret', 40125],
    ['an unknown appid', 'client_credential', 'wxunknown00000001', SECRET_A, 40013],
    ['another grant_type', 'password', APP_ID, SECRET_A, 40002],
    ['no secret', 'client_credential', APP_ID, '', 41004],
    ['no appid', 'client_credential', '', SECRET_A, 41002],
  ])(
    'when the token request has %s, then it answers WeChat’s errcode and no token',
    async (_what, grant, appid, secret, errcode) => {
      const res = await request(api.app).get(
        `/cgi-bin/token?grant_type=${grant}&appid=${appid}&secret=${secret}`,
      );

      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ errcode });
      expect((res.body as TokenAnswer).access_token).toBeUndefined();
    },
  );

  it('when stable_token is asked twice, then both answers carry the same token; force_refresh gives a new one', async () => {
    const ask = (extra: Record<string, unknown> = {}) =>
      request(api.app)
        .post('/cgi-bin/stable_token')
        .set('content-type', 'text/plain')
        .send(
          JSON.stringify({
            grant_type: 'client_credential',
            appid: APP_ID,
            secret: SECRET_A,
            ...extra,
          }),
        );

    const first = (await ask()).body as TokenAnswer;
    const second = (await ask()).body as TokenAnswer;
    const forced = (await ask({ force_refresh: true })).body as TokenAnswer;

    expect(first.access_token).toMatch(/^wxdt_/);
    expect(second.access_token).toBe(first.access_token);
    expect(forced.access_token).not.toBe(first.access_token);
    expect(first.expires_in).toBeGreaterThan(3600);
  });

  it('when each app’s dispatch token sends without appid, then each message is from its token’s app and caller', async () => {
    const tokenA = await tokenOf(APP_ID, SECRET_A);
    const tokenB = await tokenOf(OTHER_APP_ID, SECRET_B);

    const a = (await sendWith(tokenA, template())).body as TokenAnswer;
    const b = (await sendWith(tokenB, template())).body as TokenAnswer;

    expect(a).toEqual({ errcode: 0, errmsg: 'ok', msgid: expect.any(Number) });
    expect(b.errcode).toBe(0);
    expect(b.msgid).not.toBe(a.msgid);
    expect(await messageOf(a.msgid)).toMatchObject({ appId: APP_ID, caller: `compat-${APP_ID}` });
    expect(await messageOf(b.msgid)).toMatchObject({ appId: OTHER_APP_ID, caller: 'legacy-crm' });
  });

  it('when a dispatch token names the other app in appid, then it is refused and nothing is stored', async () => {
    const tokenA = await tokenOf(APP_ID, SECRET_A);
    const keysBefore = await api.storedKeys();

    const res = await request(api.app)
      .post(`/cgi-bin/message/template/send?access_token=${tokenA}&appid=${OTHER_APP_ID}`)
      .send(template());

    expect((res.body as TokenAnswer).errcode).not.toBe(0);
    expect(await api.storedKeys()).toEqual(keysBefore);
  });

  it('when a token is unknown, forged or expired, then the send answers 40001, 40001 and 42001', async () => {
    const tokenA = await tokenOf(APP_ID, SECRET_A);
    const forged = `${tokenA.slice(0, -4)}AAAA`;
    const expired = new DispatchTokens({
      secretOf: (appId) => (appId === APP_ID ? SECRET_A : undefined),
      callerOf: (appId) => `compat-${appId}`,
      now: () => Date.now() - 3 * 3600 * 1000,
    }).issue(APP_ID).access_token;

    const answers = await Promise.all(
      ['wxdt_nothing', forged, expired].map(
        async (token) => (await sendWith(token, template())).body as TokenAnswer,
      ),
    );

    expect(answers.map((answer) => answer.errcode)).toEqual([40001, 40001, 42001]);
  });

  it('when url, page and miniprogram fields are empty strings, then the message is accepted as WeChat accepts it', async () => {
    const token = await tokenOf(APP_ID, SECRET_A);

    const res = await sendWith(
      token,
      template({ url: '', miniprogram: { appid: '', pagepath: '' }, topcolor: '#FF0000' }),
    );

    const answer = res.body as TokenAnswer;
    const stored = await records.load((await messageOf(answer.msgid)).id);
    expect(answer.errcode).toBe(0);
    expect(stored?.message.url).toBeUndefined();
    expect(stored?.message.miniprogram).toBeUndefined();
  });

  it('when a subscribe message has no recorded consent, then it answers 43101 at once (never -1) and stores nothing', async () => {
    const token = await tokenOf(APP_ID, SECRET_A);
    const keysBefore = await api.storedKeys();

    const res = await sendWith(
      token,
      { touser: OPENID, template_id: 'TPL_SUB_1', data: { thing1: { value: 'x' } } },
      'subscribe/send',
    );

    expect(res.body).toMatchObject({ errcode: 43101 });
    expect(await api.storedKeys()).toEqual(keysBefore);
  });

  it('when ten thousand fetches with a wrong secret come from one address, then they are refused without a token and a good caller still gets one', async () => {
    const server: Server = createServer(api.app).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const answers = new Map<number, number>();
    try {
      for (let round = 0; round < 100; round += 1) {
        const batch = await Promise.all(
          Array.from({ length: 100 }, async () => {
            const res = await fetch(
              `${base}/cgi-bin/token?grant_type=client_credential&appid=${APP_ID}&secret=guess`,
              { headers: { 'X-Forwarded-For': '203.0.113.9' } },
            );
            return (await res.json()) as TokenAnswer;
          }),
        );
        for (const answer of batch) {
          expect(answer.access_token).toBeUndefined();
          answers.set(answer.errcode!, (answers.get(answer.errcode!) ?? 0) + 1);
        }
      }
    } finally {
      server.closeAllConnections();
      server.close();
    }

    const good = (await fetchToken(APP_ID, SECRET_A, '198.51.100.7')).body as TokenAnswer;

    expect([...answers.keys()].sort()).toEqual([40125, 45011]);
    expect(answers.get(40125)).toBeLessThanOrEqual(20 + 100);
    expect(good.access_token).toMatch(/^wxdt_/);
  });
});
