import { describe, it, expect } from '@jest/globals';
import request from 'supertest';
import { APP, OPENID, buildSandbox, classicToken } from './helpers/test-apps';

describe('sandbox: the other APIs a central token proxy forwards', () => {
  it('when user/info is asked with a valid token, then it answers the follower profile', async () => {
    const { app } = buildSandbox();
    const token = await classicToken(app);

    const res = await request(app).get(
      `/cgi-bin/user/info?access_token=${token}&openid=${OPENID}&lang=zh_CN`,
    );

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ subscribe: 1, openid: OPENID, language: 'zh_CN' });
  });

  it('when user/info names a user who unfollowed, then it answers subscribe 0', async () => {
    const { app, control } = buildSandbox();
    control.setUser({ touser: OPENID, following: false });
    const token = await classicToken(app);

    const res = await request(app).get(`/cgi-bin/user/info?access_token=${token}&openid=${OPENID}`);

    expect(res.body).toEqual({ subscribe: 0, openid: OPENID });
  });

  it('when a token is unknown or an openid malformed, then it answers 40001 and 40003', async () => {
    const { app } = buildSandbox();
    const token = await classicToken(app);

    const unknown = await request(app).get(`/cgi-bin/user/info?access_token=nope&openid=${OPENID}`);
    const malformed = await request(app).get(`/cgi-bin/user/info?access_token=${token}&openid=x`);

    expect((unknown.body as { errcode: number }).errcode).toBe(40001);
    expect((malformed.body as { errcode: number }).errcode).toBe(40003);
  });

  it('when menu/get and qrcode/create are called, then they answer a menu and a ticket, and count the calls', async () => {
    const { app, control } = buildSandbox();
    const token = await classicToken(app);

    const menu = await request(app).get(`/cgi-bin/menu/get?access_token=${token}`);
    const qr = await request(app)
      .post(`/cgi-bin/qrcode/create?access_token=${token}`)
      .set('content-type', 'application/json')
      .send({
        expire_seconds: 600,
        action_name: 'QR_SCENE',
        action_info: { scene: { scene_id: 1 } },
      });
    const bad = await request(app)
      .post(`/cgi-bin/qrcode/create?access_token=${token}`)
      .set('content-type', 'application/json')
      .send({});

    expect(menu.body).toMatchObject({ menu: { button: expect.any(Array) } });
    expect(qr.body).toEqual({
      ticket: expect.any(String),
      url: expect.any(String),
      expire_seconds: 600,
    });
    expect((bad.body as { errcode: number }).errcode).toBe(47001);
    expect(control.stats().otherCalls).toEqual({
      [APP.appId]: { user_info: 0, menu_get: 1, qrcode_create: 2 },
    });
  });

  it('when a fault names user_info, then the call answers the scripted errcode', async () => {
    const { app, control } = buildSandbox();
    const token = await classicToken(app);
    control.addFault({ match: { api: 'user_info' }, action: { errcode: 40001 } });

    const first = await request(app).get(
      `/cgi-bin/user/info?access_token=${token}&openid=${OPENID}`,
    );
    const second = await request(app).get(
      `/cgi-bin/user/info?access_token=${token}&openid=${OPENID}`,
    );

    expect((first.body as { errcode: number }).errcode).toBe(40001);
    expect(second.body).toMatchObject({ subscribe: 1 });
  });
});
