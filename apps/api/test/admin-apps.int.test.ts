import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { appKeys, registryKeys } from '@wechat-dispatch/core';
import { waitFor } from '@wechat-dispatch/testkit';
import { templateBody } from './helpers/messages';
import { startRegistryApi, type RegistryApi } from './helpers/registry-api';
import { OPS_KEY, ORDERS_KEY, bearer, startTestApi } from './helpers/test-api';

const APP = 'wx0123456789abcdef';
const SECRET = 'registry-app-secret-0123456789';
const EVENT_TOKEN = 'pushToken123';
const AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
const ops = bearer(OPS_KEY);

/** The fields of the answers these tests read. */
interface Answer {
  error: { code: string; message: string; requestId: string; details?: { path: string }[] };
  items: { appId: string }[];
  nextCursor: string | null;
  enabled: boolean;
  secretChangedAt: string;
}

const bodyOf = (res: { body: unknown }) => res.body as Answer;

describe('/v1/admin/apps', () => {
  let rig: RegistryApi;
  const answers: string[] = [];

  /** Every answer is kept, to check none of them holds a secret. */
  const kept = <T extends { text: string }>(res: T): T => {
    answers.push(res.text);
    return res;
  };

  beforeAll(async () => {
    rig = await startRegistryApi();
  });

  afterAll(async () => {
    await rig.close();
  });

  describe('PUT', () => {
    it('when an operator puts a new app and then the same app again, then the first is 201 and the second 200', async () => {
      const body = { appSecret: SECRET, kind: 'official_account', eventToken: EVENT_TOKEN };

      const first = kept(
        await request(rig.api.app).put(`/v1/admin/apps/${APP}`).set(ops).send(body),
      );
      const second = kept(
        await request(rig.api.app)
          .put(`/v1/admin/apps/${APP}`)
          .set(ops)
          .send({ ...body, encodingAesKey: AES_KEY, ratePerSec: 20 }),
      );

      expect(first.status).toBe(201);
      expect(first.body).toMatchObject({
        appId: APP,
        enabled: true,
        secretSet: true,
        eventTokenSet: true,
      });
      expect(second.status).toBe(200);
      expect(second.body).toMatchObject({ ratePerSec: 20, encodingAesKeySet: true });
      expect(bodyOf(second).secretChangedAt).toBe(bodyOf(first).secretChangedAt);
    });

    it('when fields are bad, then 400 names each path and nothing is stored', async () => {
      const res = kept(
        await request(rig.api.app)
          .put('/v1/admin/apps/wxbad00000000000')
          .set(ops)
          .send({ appSecret: '', ratePerSec: 0, extra: 1 }),
      );

      expect(res.status).toBe(400);
      const paths = (bodyOf(res).error.details ?? []).map((d) => d.path).sort();
      expect(paths).toEqual(expect.arrayContaining(['appSecret', 'kind', 'ratePerSec']));
      expect(bodyOf(res).error.code).toBe('validation_failed');
      expect(
        (await request(rig.api.app).get('/v1/admin/apps/wxbad00000000000').set(ops)).status,
      ).toBe(404);
    });

    it('when a caller is not in API_ADMIN_CALLERS, then every route answers 403 forbidden', async () => {
      const calls = [
        request(rig.api.app)
          .put(`/v1/admin/apps/${APP}`)
          .send({ appSecret: SECRET, kind: 'mini_program' }),
        request(rig.api.app).get('/v1/admin/apps'),
        request(rig.api.app).get(`/v1/admin/apps/${APP}`),
        request(rig.api.app).patch(`/v1/admin/apps/${APP}`).send({ enabled: false }),
        request(rig.api.app).delete(`/v1/admin/apps/${APP}`),
        request(rig.api.app).get(`/v1/admin/apps/${APP}/pause`),
        request(rig.api.app).delete(`/v1/admin/apps/${APP}/pause`),
      ];

      const answered = await Promise.all(calls.map((call) => call.set(bearer(ORDERS_KEY))));

      for (const res of answered) {
        expect(res.status).toBe(403);
        expect(bodyOf(res).error).toMatchObject({
          code: 'forbidden',
          requestId: expect.any(String),
        });
      }
    });
  });

  describe('GET', () => {
    it('when 3 more apps exist, then pages of 2 list every app once in appId order', async () => {
      for (const appId of ['wxpage0000000003', 'wxpage0000000001', 'wxpage0000000002']) {
        await request(rig.api.app)
          .put(`/v1/admin/apps/${appId}`)
          .set(ops)
          .send({ appSecret: SECRET, kind: 'mini_program' });
      }

      const ids: string[] = [];
      let cursor: string | null = null;
      do {
        const query: Record<string, string | number> = cursor ? { limit: 2, cursor } : { limit: 2 };
        const res: request.Response = kept(
          await request(rig.api.app).get('/v1/admin/apps').query(query).set(ops),
        );
        expect(res.status).toBe(200);
        ids.push(...bodyOf(res).items.map((app) => app.appId));
        cursor = bodyOf(res).nextCursor;
      } while (cursor !== null);

      expect(ids).toEqual([APP, 'wxpage0000000001', 'wxpage0000000002', 'wxpage0000000003']);
    });

    it('when one app is read, then it says a secret is set and when, never the secret', async () => {
      const res = kept(await request(rig.api.app).get(`/v1/admin/apps/${APP}`).set(ops));

      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ secretSet: true, secretChangedAt: expect.any(String) });
      expect(res.body).not.toHaveProperty('appSecret');
    });
  });

  describe('the directory', () => {
    it('when an app is added through the API, then another process sees it within 5 s and messages for it are accepted', async () => {
      const other = await rig.otherProcess();
      const appId = 'wxadded000000001';

      await request(rig.api.app)
        .put(`/v1/admin/apps/${appId}`)
        .set(ops)
        .send({ appSecret: SECRET, kind: 'official_account' });

      await waitFor(() => other.secretOf(appId) === SECRET, {
        timeoutMs: 5000,
        description: 'other process',
      });
      await waitFor(() => rig.registry.directory.get(appId), {
        timeoutMs: 5000,
        description: 'api',
      });
      const sent = await request(rig.api.app)
        .post('/v1/messages')
        .set(ops)
        .send(templateBody({ appId }));
      expect(sent.status).toBe(202);
    });

    it('when an app is disabled, then its messages are 409 app_disabled naming the field, single and in a batch', async () => {
      const appId = 'wxdisabled000001';
      await request(rig.api.app)
        .put(`/v1/admin/apps/${appId}`)
        .set(ops)
        .send({ appSecret: SECRET, kind: 'official_account' });
      const patched = kept(
        await request(rig.api.app)
          .patch(`/v1/admin/apps/${appId}`)
          .set(ops)
          .send({ enabled: false }),
      );
      await waitFor(() => rig.registry.directory.get(appId)?.enabled === false, {
        timeoutMs: 5000,
      });

      const single = await request(rig.api.app)
        .post('/v1/messages')
        .set(ops)
        .send(templateBody({ appId }));
      const batch = await request(rig.api.app)
        .post('/v1/messages/batch')
        .set(ops)
        .send({ messages: [templateBody({ appId: APP }), templateBody({ appId })] });
      const unknown = await request(rig.api.app)
        .post('/v1/messages')
        .set(ops)
        .send(templateBody({ appId: 'wxnope' }));

      expect(bodyOf(patched).enabled).toBe(false);
      expect(single.status).toBe(409);
      expect(bodyOf(single).error).toMatchObject({
        code: 'app_disabled',
        details: [{ path: 'appId' }],
      });
      expect(batch.status).toBe(409);
      expect(bodyOf(batch).error.details).toEqual([
        expect.objectContaining({ path: 'messages[1].appId' }),
      ]);
      expect(unknown.status).toBe(400);
    });
  });

  describe('DELETE', () => {
    it('when messages are pending for the app, then 409; once none are, 204, and then 404', async () => {
      const appId = 'wxdelete00000001';
      await request(rig.api.app)
        .put(`/v1/admin/apps/${appId}`)
        .set(ops)
        .send({ appSecret: SECRET, kind: 'mini_program' });
      const counter = appKeys(rig.api.keyspace, appId).pending;
      await rig.api.redis.set(counter, '2');

      const refused = kept(await request(rig.api.app).delete(`/v1/admin/apps/${appId}`).set(ops));
      await rig.api.redis.del(counter);
      const deleted = await request(rig.api.app).delete(`/v1/admin/apps/${appId}`).set(ops);
      const again = await request(rig.api.app).delete(`/v1/admin/apps/${appId}`).set(ops);

      expect(refused.status).toBe(409);
      expect(bodyOf(refused).error.code).toBe('app_has_pending_messages');
      expect(deleted.status).toBe(204);
      expect(again.status).toBe(404);
    });
  });

  describe('pause', () => {
    it('when an app is paused by a quota, then GET names the reason and time left, DELETE lifts it once and tells every process, and a second DELETE lifts nothing', async () => {
      const appId = 'wxpause000000001';
      await request(rig.api.app)
        .put(`/v1/admin/apps/${appId}`)
        .set(ops)
        .send({ appSecret: SECRET, kind: 'official_account' });
      const other = await rig.otherProcess();
      const seen: string[][] = [];
      other.onChange((ids) => seen.push([...ids]));
      const idle = await request(rig.api.app).get(`/v1/admin/apps/${appId}/pause`).set(ops);
      // What a worker's 45009 leaves: the marker, its reason, the pause as its TTL.
      const marker = appKeys(rig.api.keyspace, appId).pause;
      await rig.api.redis.set(marker, 'rate_daily', 'PX', 3_600_000);

      const paused = kept(await request(rig.api.app).get(`/v1/admin/apps/${appId}/pause`).set(ops));
      const lifted = kept(
        await request(rig.api.app).delete(`/v1/admin/apps/${appId}/pause`).set(ops),
      );
      const again = await request(rig.api.app).delete(`/v1/admin/apps/${appId}/pause`).set(ops);
      await waitFor(() => Promise.resolve(seen.some((ids) => ids.includes(appId)) || undefined), {
        intervalMs: 50,
        timeoutMs: 5000,
        description: 'the other process to see the app change',
      });

      expect(idle.status).toBe(200);
      expect(idle.body).toEqual({ appId, paused: false });
      expect(paused.body).toEqual({
        appId,
        paused: true,
        reason: 'rate_daily',
        remainingMs: expect.any(Number),
      });
      expect((paused.body as { remainingMs: number }).remainingMs).toBeGreaterThan(3_500_000);
      expect(lifted.status).toBe(200);
      expect(lifted.body).toMatchObject({
        appId,
        paused: false,
        lifted: true,
        reason: 'rate_daily',
      });
      expect(await rig.api.redis.exists(marker)).toBe(0);
      expect(again.body).toEqual({ appId, paused: false, lifted: false });
    });

    it('when the app is unknown, then GET and DELETE of its pause are 404 and nothing is written', async () => {
      const appId = 'wxpausenobody001';
      const version = await rig.api.redis.get(registryKeys(rig.api.keyspace).version);

      const read = await request(rig.api.app).get(`/v1/admin/apps/${appId}/pause`).set(ops);
      const lift = await request(rig.api.app).delete(`/v1/admin/apps/${appId}/pause`).set(ops);

      expect([read.status, lift.status]).toEqual([404, 404]);
      expect(bodyOf(lift).error.code).toBe('not_found');
      expect(await rig.api.redis.get(registryKeys(rig.api.keyspace).version)).toBe(version);
    });
  });

  describe('secrets', () => {
    it('when every answer of these tests is read, then none holds a secret', () => {
      const all = answers.join('\n');

      expect(answers.length).toBeGreaterThan(5);
      for (const secret of [SECRET, EVENT_TOKEN, AES_KEY]) {
        expect(all).not.toContain(secret);
      }
    });
  });
});

describe('/v1/admin/apps without APP_SECRETS_KEY', () => {
  it('when the registry is off, then the routes answer 503 naming APP_SECRETS_KEY', async () => {
    const api = await startTestApi();
    try {
      const res = await request(api.app).get('/v1/admin/apps').set(ops);

      expect(res.status).toBe(503);
      expect(bodyOf(res).error.code).toBe('app_registry_off');
      expect(bodyOf(res).error.message).toContain('APP_SECRETS_KEY');
    } finally {
      await api.close();
    }
  });
});
