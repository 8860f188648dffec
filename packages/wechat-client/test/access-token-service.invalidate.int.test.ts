import { afterEach, describe, expect, it } from '@jest/globals';
import { tokenKeys } from '../src/access-token/token-keys';
import { APPS, TokenRig } from './helpers/token-rig';

const A = APPS[0]!;

describe('AccessTokenService', () => {
  let rig: TokenRig;

  afterEach(async () => {
    await rig.close();
  });

  describe('invalidate', () => {
    it('when 200 callers across 4 processes invalidate the same failed token and get again, then exactly one new fetch happens', async () => {
      rig = await TokenRig.start();
      rig.server.tokenDelayMs = 50;
      const procs = await rig.spawnMany(4);
      const old = await procs[0]!.tokens.get(A.appId);

      const outcomes = await Promise.all(
        Array.from({ length: 200 }, async (_, i) => {
          const tokens = procs[i % 4]!.tokens;
          const removed = await tokens.invalidate(A.appId, old);
          return { removed, token: await tokens.get(A.appId) };
        }),
      );

      expect(rig.server.calls(A.appId)).toBe(2); // the first token, then one refresh
      expect(outcomes.filter((o) => o.removed)).toHaveLength(1);
      const fresh = new Set(outcomes.map((o) => o.token));
      expect(fresh.size).toBe(1);
      expect(fresh.has(old)).toBe(false);
      process.stdout.write(
        `[invalidate] 200 concurrent invalidate(old)+get over 4 processes: refresh fetches=${rig.server.calls(A.appId) - 1}\n`,
      );
    });

    it('when a late invalidate names an older token after a newer one is cached, then the newer token survives', async () => {
      rig = await TokenRig.start();
      const [p, q] = await rig.spawnMany(2);
      const old = await p!.tokens.get(A.appId);
      await p!.tokens.invalidate(A.appId, old);
      const newer = await p!.tokens.get(A.appId);

      const removed = await q!.tokens.invalidate(A.appId, old);

      expect(removed).toBe(false);
      expect(await rig.admin.hget(tokenKeys(rig.keyspace, 'classic', A.appId).token, 'token')).toBe(
        newer,
      );
      expect(await q!.tokens.get(A.appId)).toBe(newer);
      expect(rig.server.calls(A.appId)).toBe(2);
    });

    it('when nothing is cached, then invalidate returns false', async () => {
      rig = await TokenRig.start();
      const [p] = await rig.spawnMany(1);

      const removed = await p!.tokens.invalidate(A.appId, 'TOKEN_never_cached');

      expect(removed).toBe(false);
    });
  });
});
