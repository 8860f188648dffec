import { afterEach, describe, expect, it } from '@jest/globals';
import { WeChatApiError, WeChatTransportError } from '../src';
import { tokenKeys } from '../src/access-token/token-keys';
import { captureLogger } from './helpers/capture-logger';
import { APPS, eventually, settle, TokenRig } from './helpers/token-rig';

const A = APPS[0]!;
const WRONG = [{ appId: A.appId, appSecret: 'SECRET_WRONG_99999999999999999999' }];

describe('AccessTokenService', () => {
  let rig: TokenRig;

  afterEach(async () => {
    await rig.close();
  });

  describe('get with a wrong secret', () => {
    it('when 4 processes × 200 gets wait on a wrong secret, then WeChat is called once and every caller gets the config error', async () => {
      rig = await TokenRig.start();
      rig.server.tokenDelayMs = 50;
      const fetches: string[] = [];
      const procs = await rig.spawnMany(4, {
        apps: WRONG,
        hooks: { onFetch: (_app, outcome) => fetches.push(outcome) },
      });

      const first = await settle(
        procs.flatMap((p) => Array.from({ length: 200 }, () => p.tokens.get(A.appId))),
      );
      const later = await settle(
        procs.flatMap((p) => Array.from({ length: 50 }, () => p.tokens.get(A.appId))),
      );

      expect(first.values).toHaveLength(0);
      expect(later.values).toHaveLength(0);
      for (const err of [...first.errors, ...later.errors]) {
        expect(err).toBeInstanceOf(WeChatApiError);
        expect(err).toMatchObject({
          errcode: 40125,
          errorClass: 'config',
          endpoint: '/cgi-bin/token',
        });
      }
      expect(rig.server.calls(A.appId)).toBe(1);
      expect(fetches).toEqual(['config_error']);
      for (const p of procs) {
        expect(p.tokens.configErrors().get(A.appId)).toMatchObject({ errcode: 40125 });
      }
      process.stdout.write(
        `[wrong-secret] 1000 gets over 4 processes: token calls=${rig.server.calls(A.appId)}\n`,
      );
    });

    it('when the negative-cache window passes, then exactly one more call is made per window', async () => {
      rig = await TokenRig.start();
      const procs = await rig.spawnMany(2, { apps: WRONG, negativeTtlMs: 300 });
      const errorKey = tokenKeys(rig.keyspace, 'classic', A.appId).error;
      await settle(procs.flatMap((p) => Array.from({ length: 100 }, () => p.tokens.get(A.appId))));
      await eventually(async () => (await rig.admin.exists(errorKey)) === 0);

      await settle(procs.flatMap((p) => Array.from({ length: 100 }, () => p.tokens.get(A.appId))));

      expect(rig.server.calls(A.appId)).toBe(2);
    });

    it('when the secret is fixed, then the next process with the right secret ignores the cached error and clears it', async () => {
      rig = await TokenRig.start();
      const [wrong] = await rig.spawnMany(1, { apps: WRONG });
      const [right] = await rig.spawnMany(1);
      await wrong!.tokens.get(A.appId).catch(() => undefined);

      const token = await right!.tokens.get(A.appId);

      expect(token).toMatch(/^TOKEN_/);
      expect(right!.tokens.configErrors().size).toBe(0);
      expect(await rig.admin.exists(tokenKeys(rig.keyspace, 'classic', A.appId).error)).toBe(0);
    });
  });

  describe('get with transient token-endpoint failures', () => {
    it('when the endpoint answers -1, then a transient error is thrown and the next get after the short window fetches again', async () => {
      rig = await TokenRig.start();
      rig.server.tokenOverride = () =>
        rig.server.calls(A.appId) === 1 ? { errcode: -1, errmsg: 'system error' } : undefined;
      const [p] = await rig.spawnMany(1, { transientNegativeTtlMs: 0 });

      const err = await p!.tokens.get(A.appId).catch((e: unknown) => e);
      const token = await p!.tokens.get(A.appId);

      expect(err).toMatchObject({ errcode: -1, errorClass: 'transient' });
      expect(token).toMatch(/^TOKEN_/);
      expect(rig.server.calls(A.appId)).toBe(2);
      expect(p!.tokens.configErrors().size).toBe(0);
    });

    it('when many callers hit a busy endpoint at once, then the short transient cache keeps it to one call', async () => {
      rig = await TokenRig.start();
      rig.server.tokenOverride = () => ({ errcode: -1, errmsg: 'system error' });
      rig.server.tokenDelayMs = 50;
      const procs = await rig.spawnMany(4, { transientNegativeTtlMs: 60_000 });

      const out = await settle(
        procs.flatMap((p) => Array.from({ length: 100 }, () => p.tokens.get(A.appId))),
      );

      expect(out.values).toHaveLength(0);
      expect(
        out.errors.every((e) => (e as { errorClass?: string }).errorClass === 'transient'),
      ).toBe(true);
      expect(rig.server.calls(A.appId)).toBe(1);
    });

    it('when the token endpoint does not answer, then callers get a transient timeout', async () => {
      rig = await TokenRig.start();
      rig.server.tokenOverride = () => 'hang';
      const [p] = await rig.spawnMany(1, { timeoutMs: 200 });

      const err = await p!.tokens.get(A.appId).catch((e: unknown) => e);

      expect(err).toBeInstanceOf(WeChatTransportError);
      expect(err).toMatchObject({ kind: 'timeout', errorClass: 'transient' });
    });

    it('when a peer holds the lock longer than the wait bound, then callers get a transient timeout without fetching', async () => {
      rig = await TokenRig.start();
      await rig.admin.set(
        tokenKeys(rig.keyspace, 'classic', A.appId).lock,
        'busy-peer',
        'PX',
        60_000,
      );
      const [p] = await rig.spawnMany(1, { waitTimeoutMs: 200 });

      const err = await p!.tokens.get(A.appId).catch((e: unknown) => e);

      expect(err).toMatchObject({ kind: 'timeout', errorClass: 'transient', errcode: -1001 });
      expect(rig.server.calls()).toBe(0);
    });
  });

  describe('secrets', () => {
    it('when fetches fail and succeed, then no log line or error holds a secret or a token', async () => {
      const captured = captureLogger();
      rig = await TokenRig.start(APPS, captured.logger);
      rig.server.tokenOverride = (appId) =>
        rig.server.calls(appId) === 2 ? { errcode: -1, errmsg: `busy ${A.appSecret}` } : undefined;
      const [wrong] = await rig.spawnMany(1, { apps: WRONG });
      const [right] = await rig.spawnMany(1, { transientNegativeTtlMs: 0 });

      const errors = [
        await wrong!.tokens.get(A.appId).catch((e: unknown) => e),
        await right!.tokens.get(A.appId).catch((e: unknown) => e),
      ];
      const token = await right!.tokens.get(A.appId);
      await right!.tokens.invalidate(A.appId, token);

      expect(errors[0]).toMatchObject({ errcode: 40125 });
      expect(errors[1]).toMatchObject({ errcode: -1 });
      const text = [
        captured.text(),
        ...errors.map((e) => `${JSON.stringify(e)} ${String((e as Error).stack)}`),
      ].join('\n');
      expect(captured.lines.length).toBeGreaterThan(2);
      for (const secret of [A.appSecret, WRONG[0]!.appSecret, token]) {
        expect(text).not.toContain(secret);
      }
    });
  });
});
