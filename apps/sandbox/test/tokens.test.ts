import { describe, it, expect } from '@jest/globals';
import request from 'supertest';
import { fakeClock } from './helpers/fake-clock';
import {
  APP,
  APP2,
  buildSandbox,
  classicToken,
  errcodeOf,
  getClassic,
  OPENID,
  postStable,
  send,
} from './helpers/test-apps';
import type { Express } from 'express';

const MESSAGE = { touser: OPENID, template_id: 'TPL_x', data: { keyword1: { value: 'v' } } };
const MIN = 60_000;

async function sendWith(app: Express, token: string): Promise<number> {
  return errcodeOf(await send(app, token, MESSAGE));
}

describe('sandbox tokens', () => {
  describe('GET /cgi-bin/token', () => {
    it('when fetched with the right secret, then it answers access_token and expires_in without errcode', async () => {
      const { app } = buildSandbox({ settings: { tokenTtlS: 7200 } });

      const res = await getClassic(app);

      expect(res.status).toBe(200);
      expect(res.body).toEqual({ access_token: expect.any(String), expires_in: 7200 });
      expect((res.body as { access_token: string }).access_token.length).toBeGreaterThanOrEqual(
        128,
      );
    });

    it('when fetched again, then the previous token keeps working for 5 minutes and then answers 40001', async () => {
      const clock = fakeClock();
      const { app } = buildSandbox({ now: clock.now });
      const first = await classicToken(app);
      const second = await classicToken(app);

      clock.advance(4 * MIN);
      const withinOverlap = await sendWith(app, first);
      clock.advance(1 * MIN + 1);
      const afterOverlap = await sendWith(app, first);
      const latest = await sendWith(app, second);

      expect(first).not.toBe(second);
      expect(withinOverlap).toBe(0);
      expect(afterOverlap).toBe(40001);
      expect(latest).toBe(0);
    });

    it('when fetched three times, then only the latest predecessor keeps the overlap', async () => {
      const { app } = buildSandbox({ now: fakeClock().now });
      const first = await classicToken(app);
      const second = await classicToken(app);
      await classicToken(app);

      expect(await sendWith(app, first)).toBe(40001);
      expect(await sendWith(app, second)).toBe(0);
    });

    it('when the TTL has passed, then the token answers 42001', async () => {
      const clock = fakeClock();
      const { app } = buildSandbox({ now: clock.now, settings: { tokenTtlS: 2 } });
      const token = await classicToken(app);

      const fresh = await sendWith(app, token);
      clock.advance(2_000);
      const expired = await sendWith(app, token);

      expect(fresh).toBe(0);
      expect(expired).toBe(42001);
    });

    it.each([
      ['a wrong secret', 40125, APP.appId, 'wrong', 'client_credential'],
      ['an unknown appid', 40013, 'wx9999999999999999', 'x', 'client_credential'],
      ['a missing appid', 41002, '', 'x', 'client_credential'],
      ['a missing secret', 41004, APP.appId, '', 'client_credential'],
      ['a bad grant_type', 40002, APP.appId, APP.appSecret, 'password'],
    ])('when called with %s, then it answers %i', async (_case, code, appid, secret, grantType) => {
      const { app } = buildSandbox();

      const res = await request(app)
        .get('/cgi-bin/token')
        .query({ grant_type: grantType, appid, secret });

      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ errcode: code, errmsg: expect.any(String) });
    });

    it('when the daily limit is used up, then it answers 45009 until the next day in China Standard Time', async () => {
      const clock = fakeClock(Date.UTC(2026, 10, 26, 15, 0, 0)); // 23:00 CST
      const { app } = buildSandbox({ now: clock.now, settings: { tokenDailyLimit: 2 } });
      await getClassic(app);
      await getClassic(app);

      const over = await getClassic(app);
      const otherApp = await getClassic(app, APP2.appId, APP2.appSecret);
      clock.advance(61 * MIN); // 00:01 CST
      const nextDay = await getClassic(app);

      expect(errcodeOf(over)).toBe(45009);
      expect(errcodeOf(otherApp)).toBe(0);
      expect(errcodeOf(nextDay)).toBe(0);
    });
  });

  describe('send token checks', () => {
    it('when the token is missing, then a send answers 41001', async () => {
      const { app } = buildSandbox();

      const res = await send(app, '', MESSAGE);

      expect(errcodeOf(res)).toBe(41001);
    });

    it('when the token is unknown, then a send answers 40001 with a rid in errmsg', async () => {
      const { app } = buildSandbox();

      const res = await send(app, 'not-a-token', MESSAGE);

      expect(res.body).toEqual({
        errcode: 40001,
        errmsg: expect.stringMatching(/^invalid credential.* rid: [0-9a-f-]+$/),
      });
    });
  });

  describe('POST /cgi-bin/stable_token', () => {
    it('when called twice while valid, then it answers the same token with the remaining lifetime', async () => {
      const clock = fakeClock();
      const { app } = buildSandbox({ now: clock.now });
      const first = await postStable(app);

      clock.advance(10 * MIN);
      const second = await postStable(app);

      expect(second.body).toEqual({
        access_token: (first.body as { access_token: string }).access_token,
        expires_in: 7200 - 600,
      });
    });

    it('when called in the last 5 minutes, then it rotates and the old token works until its expiry', async () => {
      const clock = fakeClock();
      const { app } = buildSandbox({ now: clock.now });
      const old = (await postStable(app)).body as { access_token: string };

      clock.advance(7200_000 - 4 * MIN);
      const rotated = (await postStable(app)).body as { access_token: string; expires_in: number };
      const oldBeforeExpiry = await sendWith(app, old.access_token);
      clock.advance(4 * MIN);
      const oldAfterExpiry = await sendWith(app, old.access_token);

      expect(rotated.access_token).not.toBe(old.access_token);
      expect(rotated.expires_in).toBe(7200);
      expect(oldBeforeExpiry).toBe(0);
      expect(oldAfterExpiry).toBe(42001);
      expect(await sendWith(app, rotated.access_token)).toBe(0);
    });

    it('when force_refresh is set, then a new token is issued and the old one answers 40001 at once', async () => {
      const { app } = buildSandbox({ now: fakeClock().now });
      const old = (await postStable(app)).body as { access_token: string };

      const forced = (await postStable(app, true)).body as { access_token: string };

      expect(forced.access_token).not.toBe(old.access_token);
      expect(await sendWith(app, old.access_token)).toBe(40001);
      expect(await sendWith(app, forced.access_token)).toBe(0);
    });

    it('when forced again within 30 s, then no refresh happens and the same token comes back', async () => {
      const clock = fakeClock();
      const { app } = buildSandbox({ now: clock.now });
      const forced = (await postStable(app, true)).body as { access_token: string };

      clock.advance(29_000);
      const again = (await postStable(app, true)).body as { access_token: string };
      clock.advance(1_000);
      const later = (await postStable(app, true)).body as { access_token: string };

      expect(again.access_token).toBe(forced.access_token);
      expect(later.access_token).not.toBe(forced.access_token);
    });

    it('when forced more than 20 times in a day, then it answers 45009', async () => {
      const clock = fakeClock();
      const { app } = buildSandbox({ now: clock.now });
      for (let i = 0; i < 20; i += 1) {
        expect(errcodeOf(await postStable(app, true))).toBe(0);
        clock.advance(30_000);
      }

      const res = await postStable(app, true);

      expect(errcodeOf(res)).toBe(45009);
    });

    it('when the body is not JSON, then it answers 47001; when called with GET, 43002', async () => {
      const { app } = buildSandbox();

      const notJson = await request(app).post('/cgi-bin/stable_token').send('grant_type=x');
      const get = await request(app).get('/cgi-bin/stable_token');

      expect(errcodeOf(notJson)).toBe(47001);
      expect(errcodeOf(get)).toBe(43002);
    });

    it('when the TTL is tiny, then the stable token is still reused for half of it', async () => {
      const clock = fakeClock();
      const { app } = buildSandbox({ now: clock.now, settings: { tokenTtlS: 4 } });
      const first = (await postStable(app)).body as { access_token: string };

      clock.advance(1_000);
      const reused = (await postStable(app)).body as { access_token: string };
      clock.advance(1_000);
      const rotated = (await postStable(app)).body as { access_token: string };

      expect(reused.access_token).toBe(first.access_token);
      expect(rotated.access_token).not.toBe(first.access_token);
    });
  });

  describe('isolation', () => {
    it('when classic and stable tokens are fetched in turn, then neither invalidates the other and both send', async () => {
      const { app } = buildSandbox({ now: fakeClock().now });
      const stable = (await postStable(app)).body as { access_token: string };
      await classicToken(app);
      await classicToken(app);
      const classic = await classicToken(app);

      await postStable(app, true);
      const newStable = (await postStable(app)).body as { access_token: string };

      expect(await sendWith(app, classic)).toBe(0);
      expect(await sendWith(app, newStable.access_token)).toBe(0);
      expect(await sendWith(app, stable.access_token)).toBe(40001);
    });

    it('when two apps fetch tokens, then each token sends as its own app', async () => {
      const { app, control } = buildSandbox();
      const t1 = await classicToken(app);
      const t2 = await classicToken(app, APP2.appId, APP2.appSecret);

      await send(app, t1, MESSAGE);
      await send(app, t2, MESSAGE);

      expect(control.messages().map((m) => m.appid)).toEqual([APP2.appId, APP.appId]);
      expect(control.stats().tokenCalls).toEqual({
        [APP.appId]: { token: 1, stable_token: 0 },
        [APP2.appId]: { token: 1, stable_token: 0 },
      });
    });
  });
});
