import { afterEach, describe, expect, it } from '@jest/globals';
import { UnknownAppError } from '../src';
import { tokenKeys } from '../src/access-token/token-keys';
import { keysOf } from './helpers/redis';
import { APPS, eventually, TokenRig } from './helpers/token-rig';

const [A, B] = APPS as [(typeof APPS)[0], (typeof APPS)[0]];

describe('AccessTokenService', () => {
  let rig: TokenRig;

  afterEach(async () => {
    await rig.close();
  });

  describe('get', () => {
    it('when 4 processes × 500 concurrent gets hit a cold cache for 2 apps, then each app is fetched exactly once', async () => {
      rig = await TokenRig.start();
      rig.server.tokenDelayMs = 100; // let every caller pile up behind the first fetch
      const outcomes: string[] = [];
      const procs = await rig.spawnMany(4, {
        hooks: { onFetch: (app, o) => outcomes.push(`${app}:${o}`) },
      });

      const results = await Promise.all(
        procs.flatMap((p) =>
          Array.from({ length: 500 }, (_, i) => p.tokens.get(i % 2 === 0 ? A.appId : B.appId)),
        ),
      );

      expect(rig.server.calls(A.appId)).toBe(1);
      expect(rig.server.calls(B.appId)).toBe(1);
      expect(results).toHaveLength(2000);
      expect(new Set(results).size).toBe(2);
      expect(outcomes.sort()).toEqual([`${A.appId}:ok`, `${B.appId}:ok`]);
      process.stdout.write(
        `[cold-cache] 4 processes x 500 gets, 2 apps: token calls ${A.appId}=${rig.server.calls(A.appId)} ${B.appId}=${rig.server.calls(B.appId)}\n`,
      );
    });

    it('when a token is fetched, then it is cached with the expires_in WeChat stated and PX at that expiry', async () => {
      rig = await TokenRig.start();
      rig.server.expiresIn = 345;
      const [p] = await rig.spawnMany(1);
      const keys = tokenKeys(rig.keyspace, 'classic', A.appId);

      const token = await p!.tokens.get(A.appId);

      const stored = await rig.admin.hgetall(keys.token);
      const pttl = await rig.admin.pttl(keys.token);
      expect(stored).toMatchObject({ token, expiresIn: '345' });
      expect(pttl).toBeGreaterThan(0);
      expect(pttl).toBeLessThanOrEqual(345_000);
    });

    it('when a token is cached, then later gets read it without calling WeChat', async () => {
      rig = await TokenRig.start();
      const [p, q] = await rig.spawnMany(2);
      const first = await p!.tokens.get(A.appId);

      const again = await Promise.all([p!.tokens.get(A.appId), q!.tokens.get(A.appId)]);

      expect(again).toEqual([first, first]);
      expect(rig.server.calls()).toBe(1);
    });

    it('when the cached token is inside the refresh margin, then callers keep getting it while one background fetch replaces it', async () => {
      rig = await TokenRig.start();
      const keys = tokenKeys(rig.keyspace, 'classic', A.appId);
      const procs = await rig.spawnMany(3);
      const first = await procs[0]!.tokens.get(A.appId);
      // One minute left: inside the default 5-minute margin, well above the usable floor.
      await rig.admin.pexpire(keys.token, 60_000);

      const during = await Promise.all(
        procs.flatMap((p) => [p.tokens.get(A.appId), p.tokens.get(A.appId)]),
      );
      await eventually(async () => (await rig.admin.hget(keys.token, 'token')) !== first);
      const after = await Promise.all(procs.map((p) => p.tokens.get(A.appId)));

      expect(new Set(during)).toEqual(new Set([first]));
      expect(new Set(after).size).toBe(1);
      expect(after[0]).not.toBe(first);
      expect(rig.server.calls(A.appId)).toBe(2);
    });

    it('when the cached token has almost no life left, then callers wait for a new one instead of using it', async () => {
      rig = await TokenRig.start();
      const keys = tokenKeys(rig.keyspace, 'classic', A.appId);
      const [p] = await rig.spawnMany(1);
      const first = await p!.tokens.get(A.appId);
      await rig.admin.pexpire(keys.token, 1_000); // below the 5 s floor

      const next = await p!.tokens.get(A.appId);

      expect(next).not.toBe(first);
      expect(rig.server.calls(A.appId)).toBe(2);
    });

    it('when the lock holder died, then the lock expires and another process fetches', async () => {
      rig = await TokenRig.start();
      const keys = tokenKeys(rig.keyspace, 'classic', A.appId);
      await rig.admin.set(keys.lock, 'dead-process', 'PX', 300);
      const lockAtFetch: (string | null)[] = [];
      rig.server.onTokenCall = async () => {
        lockAtFetch.push(await rig.admin.get(keys.lock));
      };
      const [p] = await rig.spawnMany(1, { lockTtlMs: 300 });

      const token = await p!.tokens.get(A.appId);

      expect(token).toMatch(/^TOKEN_/);
      expect(rig.server.calls(A.appId)).toBe(1);
      expect(lockAtFetch).toHaveLength(1);
      expect(lockAtFetch[0]).not.toBe('dead-process');
      expect(lockAtFetch[0]).not.toBeNull();
    });

    it('when a slow fetcher outlives its lock, then its older token does not overwrite the newer one a peer cached', async () => {
      rig = await TokenRig.start();
      const keys = tokenKeys(rig.keyspace, 'classic', A.appId);
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      rig.server.onTokenCall = () => (rig.server.calls(A.appId) === 1 ? gate : Promise.resolve());
      const [slow, fast] = await rig.spawnMany(2, { lockTtlMs: 200 });
      const slowGet = slow!.tokens.get(A.appId);
      await eventually(() => rig.server.calls(A.appId) === 1);
      await eventually(async () => (await rig.admin.exists(keys.lock)) === 0);

      const fresh = await fast!.tokens.get(A.appId);
      release();
      const stale = await slowGet;

      expect(rig.server.calls(A.appId)).toBe(2);
      expect(stale).not.toBe(fresh);
      expect(await rig.admin.hget(keys.token, 'token')).toBe(fresh);
    });

    it('when mode is stable, then the stable endpoint is used with force_refresh=false and keys are namespaced by mode', async () => {
      rig = await TokenRig.start();
      const [p] = await rig.spawnMany(1, { mode: 'stable' });

      await p!.tokens.get(A.appId);
      await p!.tokens.invalidate(A.appId, await p!.tokens.get(A.appId));
      await p!.tokens.get(A.appId);

      expect(rig.server.tokenRequests.map((r) => `${r.method} ${r.path}`)).toEqual([
        'POST /cgi-bin/stable_token',
        'POST /cgi-bin/stable_token',
      ]);
      expect(
        rig.server.tokenRequests.every(
          (r) => (r.body as { force_refresh: unknown }).force_refresh === false,
        ),
      ).toBe(true);
      expect(await keysOf(rig.admin, rig.keyspace)).toEqual([
        `${rig.keyspace.root}:token:stable:${A.appId}`,
      ]);
    });

    it('when mode is classic, then GET /cgi-bin/token is used', async () => {
      rig = await TokenRig.start();
      const [p] = await rig.spawnMany(1, { mode: 'classic' });

      await p!.tokens.get(B.appId);

      expect(rig.server.tokenRequests.map((r) => `${r.method} ${r.path}`)).toEqual([
        'GET /cgi-bin/token',
      ]);
      expect(await keysOf(rig.admin, rig.keyspace)).toEqual([
        `${rig.keyspace.root}:token:classic:${B.appId}`,
      ]);
    });

    it('when the app is not configured, then UnknownAppError is thrown without calling WeChat', async () => {
      rig = await TokenRig.start();
      const [p] = await rig.spawnMany(1);

      const err = await p!.tokens.get('wxnotconfigured0000').catch((e: unknown) => e);

      expect(err).toBeInstanceOf(UnknownAppError);
      expect(rig.server.calls()).toBe(0);
    });
  });
});
