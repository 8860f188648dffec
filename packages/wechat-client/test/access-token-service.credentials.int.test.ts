import { afterEach, describe, expect, it } from '@jest/globals';
import { UnknownAppError, WeChatApiError, type TokenCredentialSource } from '../src';
import { tokenKeys } from '../src/access-token/token-keys';
import { APPS, TokenRig } from './helpers/token-rig';

const [A, B] = APPS as [(typeof APPS)[0], (typeof APPS)[0]];
const ROTATED = 'SECRET_A_ROTATED_0123456789abcdef0123';

/** Credentials that change while the service runs, as the app registry's do. */
function mutableSource(initial: Record<string, string>): TokenCredentialSource & {
  secrets: Map<string, string>;
  modes: Map<string, 'stable' | 'classic'>;
} {
  const secrets = new Map(Object.entries(initial));
  const modes = new Map<string, 'stable' | 'classic'>();
  return {
    secrets,
    modes,
    secretOf: (appId) => secrets.get(appId),
    tokenModeOf: (appId) => modes.get(appId),
  };
}

describe('AccessTokenService', () => {
  let rig: TokenRig;

  afterEach(async () => {
    await rig.close();
  });

  describe('credentials from a source (#16)', () => {
    it('when the secret is rotated, then the cached token is still used and the next fetch sends the new secret', async () => {
      rig = await TokenRig.start();
      const source = mutableSource({ [A.appId]: A.appSecret });
      const p = await rig.spawn({ apps: source });
      const before = await p.tokens.get(A.appId);

      rig.server.setSecret(A.appId, ROTATED);
      source.secrets.set(A.appId, ROTATED);
      const stillCached = await p.tokens.get(A.appId);
      await rig.admin.del(tokenKeys(rig.keyspace, 'classic', A.appId).token);
      const after = await p.tokens.get(A.appId);

      expect(stillCached).toBe(before);
      expect(after).not.toBe(before);
      expect(rig.server.calls(A.appId)).toBe(2);
      const last = rig.server.tokenRequests[rig.server.tokenRequests.length - 1]!;
      expect(last.path).toBe('/cgi-bin/token');
    });

    it('when an app is added to the source, then its token is fetched at once', async () => {
      rig = await TokenRig.start();
      const source = mutableSource({ [A.appId]: A.appSecret });
      const p = await rig.spawn({ apps: source });
      await expect(p.tokens.get(B.appId)).rejects.toBeInstanceOf(UnknownAppError);

      source.secrets.set(B.appId, B.appSecret);

      await expect(p.tokens.get(B.appId)).resolves.toMatch(/^TOKEN_/);
    });

    it('when a wrong secret is corrected, then the configuration error clears and the next get fetches despite the cached error', async () => {
      rig = await TokenRig.start();
      const source = mutableSource({ [A.appId]: 'WRONG_SECRET_0123456789abcdef' });
      const p = await rig.spawn({ apps: source });
      const failed = await p.tokens.get(A.appId).catch((err: unknown) => err);
      expect(failed).toBeInstanceOf(WeChatApiError);
      expect([...p.tokens.configErrors().keys()]).toEqual([A.appId]);

      source.secrets.set(A.appId, A.appSecret);
      const token = await p.tokens.get(A.appId);

      expect(token).toMatch(/^TOKEN_/);
      expect(p.tokens.configErrors().size).toBe(0);
    });

    it('when an app names its own token mode, then its token comes from that endpoint', async () => {
      rig = await TokenRig.start();
      const source = mutableSource({ [A.appId]: A.appSecret, [B.appId]: B.appSecret });
      source.modes.set(B.appId, 'stable');
      const p = await rig.spawn({ apps: source });

      await p.tokens.get(A.appId);
      await p.tokens.get(B.appId);

      expect(rig.server.tokenRequests.map((r) => r.path)).toEqual([
        '/cgi-bin/token',
        '/cgi-bin/stable_token',
      ]);
      expect(await rig.admin.exists(tokenKeys(rig.keyspace, 'stable', B.appId).token)).toBe(1);
    });
  });
});
