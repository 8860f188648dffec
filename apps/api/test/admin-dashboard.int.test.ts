import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { QUEUE_CATALOGUE, SEND_QUEUE } from '@wechat-dispatch/core';
import { startTestApi, type TestApi } from './helpers/test-api';

const ADMIN = { user: 'operator', password: 'dashboard-pw-0001' };

describe('/admin/queues (Bull Board)', () => {
  let api: TestApi;
  let unconfigured: TestApi;

  beforeAll(async () => {
    api = await startTestApi({ admin: ADMIN });
    unconfigured = await startTestApi();
  });

  afterAll(async () => {
    await api.close();
    await unconfigured.close();
  });

  it('when no ADMIN_USER/ADMIN_PASSWORD are set, then the dashboard answers 404, credentials or not', async () => {
    const res = await request(unconfigured.app)
      .get('/admin/queues')
      .auth(ADMIN.user, ADMIN.password);

    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ error: { code: 'not_found' } });
  });

  it.each([
    ['no credentials', undefined],
    ['a wrong password', { user: ADMIN.user, password: 'wrong-password' }],
    ['a wrong user', { user: 'root', password: ADMIN.password }],
  ])(
    'when it is opened with %s, then it answers 401 asking for basic auth',
    async (_name, creds) => {
      const req = request(api.app).get('/admin/queues');
      const res = await (creds ? req.auth(creds.user, creds.password) : req);

      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toMatch(/^Basic realm=/);
      expect(res.text).not.toContain('<html');
    },
  );

  it('when it is opened with the credentials, then the page loads with its base path equal to the mount path, and its assets load', async () => {
    const page = await request(api.app).get('/admin/queues').auth(ADMIN.user, ADMIN.password);
    const script = /src="(static\/js\/main\.[^"]+\.js)"/.exec(page.text)?.[1];

    const asset = await request(api.app)
      .get(`/admin/queues/${script}`)
      .auth(ADMIN.user, ADMIN.password);

    expect(page.status).toBe(200);
    expect(page.text).toContain('<base href="/admin/queues/"');
    expect(script).toBeDefined();
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toContain('javascript');
  });

  it('when its API lists queues, then every queue the API opened is there, read-only', async () => {
    const res = await request(api.app)
      .get('/admin/queues/api/queues')
      .auth(ADMIN.user, ADMIN.password);

    const queues = (res.body as { queues: Array<{ name: string; readOnlyMode: boolean }> }).queues;
    expect(res.status).toBe(200);
    expect(queues.map((q) => q.name).sort()).toEqual(
      api.runtime.deps.queues.map((q) => q.name).sort(),
    );
    expect(queues.map((q) => q.name)).toEqual(expect.arrayContaining(['dead-letters', SEND_QUEUE]));
    expect(queues.every((q) => q.readOnlyMode)).toBe(true);
  });

  it('when its API lists queues, then every queue of the catalogue is there, callbacks and callback dead letters included', async () => {
    const res = await request(api.app)
      .get('/admin/queues/api/queues')
      .auth(ADMIN.user, ADMIN.password);

    const names = (res.body as { queues: Array<{ name: string }> }).queues.map((q) => q.name);
    // Every entry of the catalogue, walked: a queue added there must show up here.
    const catalogue = Object.values(QUEUE_CATALOGUE).map((spec) => spec.name);
    expect(names.sort()).toEqual(catalogue.sort());
    expect(names).toEqual(expect.arrayContaining(['callbacks', 'callback-dead-letters']));
  });

  it('when its API lists queues, then the queues no worker consumes by design say so in their description', async () => {
    const res = await request(api.app)
      .get('/admin/queues/api/queues')
      .auth(ADMIN.user, ADMIN.password);

    const queues = (res.body as { queues: Array<{ name: string; description?: string }> }).queues;
    const described = Object.fromEntries(queues.map((q) => [q.name, q.description ?? '']));
    expect(described['dead-letters']).toContain('No worker consumes this queue by design');
    expect(described['callback-dead-letters']).toContain('No worker consumes this queue by design');
    expect(described[SEND_QUEUE]).toContain('SEND_KEEP_COMPLETED_JOBS');
  });

  it('when a write is attempted through its API, then it is refused', async () => {
    const res = await request(api.app)
      .put(`/admin/queues/api/queues/${SEND_QUEUE}/pause`)
      .auth(ADMIN.user, ADMIN.password);

    expect(res.status).toBe(405);
  });
});
