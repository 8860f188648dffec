import { describe, it, expect } from '@jest/globals';
import request from 'supertest';
import {
  APP,
  APP2,
  buildSandbox,
  classicToken,
  errcodeOf,
  OPENID,
  send,
} from './helpers/test-apps';

const MESSAGE = { touser: OPENID, template_id: 'TPL_c', data: { keyword1: { value: 'v' } } };

describe('sandbox control API', () => {
  it('when messages are filtered by touser, appid and limit, then only matching ones come back newest first', async () => {
    const { app } = buildSandbox();
    const t1 = await classicToken(app);
    const t2 = await classicToken(app, APP2.appId, APP2.appSecret);
    await send(app, t1, MESSAGE);
    await send(app, t1, { ...MESSAGE, touser: 'oOther000000000000000000001' });
    await send(app, t2, { ...MESSAGE, template_id: 'TPL_last' });

    const byUser = await request(app).get('/sandbox/messages').query({ touser: OPENID });
    const byApp = await request(app).get('/sandbox/messages').query({ appid: APP.appId });
    const limited = await request(app).get('/sandbox/messages').query({ limit: 1 });

    expect((byUser.body as unknown[]).length).toBe(2);
    expect((byApp.body as { touser: string }[]).map((m) => m.touser)).toEqual([
      'oOther000000000000000000001',
      OPENID,
    ]);
    expect(limited.body).toEqual([expect.objectContaining({ template_id: 'TPL_last' })]);
  });

  it('when stats are read, then they count token calls, send calls (failed included), answers and deliveries', async () => {
    const { app } = buildSandbox();
    const token = await classicToken(app);
    await request(app)
      .post('/cgi-bin/stable_token')
      .send({ grant_type: 'client_credential', appid: APP.appId, secret: 'bad' });
    await send(app, token, MESSAGE);
    await send(app, token, { ...MESSAGE, touser: '' });
    await send(app, 'unknown-token', MESSAGE, 'subscribe');

    const res = await request(app).get('/sandbox/stats');

    expect(res.body).toEqual({
      tokenCalls: { [APP.appId]: { token: 1, stable_token: 1 } },
      sendCalls: {
        [APP.appId]: { template: 2, subscribe: 0, bizsend: 0 },
        unknown: { template: 0, subscribe: 1, bizsend: 0 },
      },
      otherCalls: {},
      errcodes: { '0': 2, '40125': 1, '40003': 1, '40001': 1 },
      deliveries: 1,
      deliveriesByApp: { [APP.appId]: 1 },
      deduplicated: 0,
      faultsApplied: 0,
      events: { delivered: 0, failed: 0 },
    });
  });

  it('when reset, then deliveries, consents, faults, users and counters are gone but tokens still work', async () => {
    const { app, control } = buildSandbox();
    const token = await classicToken(app);
    await send(app, token, MESSAGE);
    control.grantConsent({ appid: APP.appId, touser: OPENID, template_id: 'SUB' });
    control.addFault({ action: { errcode: -1 }, times: 'always', match: { api: 'subscribe' } });
    control.setUser({ touser: OPENID, following: false });
    control.configure({ latencyMs: 5 });

    const reset = await request(app).post('/sandbox/reset');
    const after = await send(app, token, MESSAGE);

    expect(reset.body).toEqual({ ok: true });
    expect(errcodeOf(after)).toBe(0);
    expect(control.messages()).toHaveLength(1);
    expect(control.consents()).toEqual([]);
    expect(control.faults()).toEqual([]);
    expect(control.users()).toEqual([]);
    expect(control.settings().latencyMs).toBe(0);
    expect(control.stats().sendCalls).toEqual({
      [APP.appId]: { template: 1, subscribe: 0, bizsend: 0 },
    });
  });

  it('when reset with tokens=true, then issued tokens answer 40001', async () => {
    const { app } = buildSandbox();
    const token = await classicToken(app);

    await request(app).post('/sandbox/reset').query({ tokens: 'true' });
    const res = await send(app, token, MESSAGE);

    expect(errcodeOf(res)).toBe(40001);
  });

  it.each([
    [{ latencyMs: -1 }, /latencyMs/],
    [{ rateCapPerMinute: { wx: 'x' } }, /rateCapPerMinute/],
    [{ nonsense: 1 }, /unknown setting nonsense/],
    [{ tokenTtlS: 0 }, /positive/],
  ])('when config %j is posted, then it answers 400 naming the problem', async (body, message) => {
    const { app } = buildSandbox();

    const res = await request(app).post('/sandbox/config').send(body);

    expect(res.status).toBe(400);
    expect((res.body as { error: { message: string } }).error.message).toMatch(message);
  });

  it('when a control body is not JSON, then it answers 400', async () => {
    const { app } = buildSandbox();

    const res = await request(app)
      .post('/sandbox/faults')
      .set('content-type', 'application/json')
      .send('{oops');

    expect(res.status).toBe(400);
  });

  it('when users and templates are posted over HTTP, then they are listed and applied', async () => {
    const { app } = buildSandbox();
    const token = await classicToken(app);

    await request(app)
      .post('/sandbox/users')
      .send({ touser: OPENID, refusedTemplates: ['TPL_c'] });
    await request(app).post('/sandbox/templates').send({ template_id: 'TPL_c', title: '到货提醒' });
    const users = await request(app).get('/sandbox/users');
    const templates = await request(app).get('/sandbox/templates');
    const refused = await send(app, token, MESSAGE);

    expect(users.body).toEqual([
      expect.objectContaining({ touser: OPENID, refusedTemplates: ['TPL_c'] }),
    ]);
    expect(templates.body).toEqual([{ template_id: 'TPL_c', title: '到货提醒' }]);
    expect(errcodeOf(refused)).toBe(43101);
  });

  it('when the inbox page renders hostile content, then it is escaped and a CSP forbids external loads', async () => {
    const { app } = buildSandbox();
    const token = await classicToken(app);
    await send(app, token, {
      touser: OPENID,
      template_id: 'TPL_x',
      url: 'javascript:alert(1)',
      data: { '"><script>alert(1)</script>': { value: '<img src=x onerror=alert(2)>' } },
    });

    const res = await request(app).get('/');

    expect(res.status).toBe(200);
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.text).not.toContain('<script>alert(1)');
    expect(res.text).not.toContain('<img src=x');
    expect(res.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(res.text).not.toContain('href="javascript:');
  });

  it('when there are no messages, then the inbox shows how to send one', async () => {
    const { app } = buildSandbox();

    const res = await request(app).get('/');

    expect(res.text).toContain('No messages yet');
  });

  it('when the version endpoint is polled, then it changes after a send', async () => {
    const { app } = buildSandbox();
    const token = await classicToken(app);
    const before = (await request(app).get('/sandbox/messages/version')).body as {
      version: number;
    };

    await send(app, token, MESSAGE);
    const after = (await request(app).get('/sandbox/messages/version')).body as {
      version: number;
      count: number;
    };

    expect(after.version).toBeGreaterThan(before.version);
    expect(after.count).toBe(1);
  });

  it.each([
    ['/cgi-bin/message/wxopen/template/uniform_send', 45109],
    ['/cgi-bin/message/wxopen/template/send', 45103],
  ])('when the withdrawn %s is called, then it answers %i', async (path, code) => {
    const { app } = buildSandbox();

    const res = await request(app).post(path).send({});

    expect(errcodeOf(res)).toBe(code);
  });

  it('when /healthz is called, then it answers 200; an unknown path answers 404', async () => {
    const { app } = buildSandbox();

    const health = await request(app).get('/healthz');
    const missing = await request(app).get('/nope');

    expect(health.status).toBe(200);
    expect(missing.status).toBe(404);
  });
});
