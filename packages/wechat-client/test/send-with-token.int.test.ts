import { afterEach, describe, expect, it } from '@jest/globals';
import { sendWithToken, type SendResult } from '../src';
import { APPS, TokenRig, type RigProcess } from './helpers/token-rig';

const A = APPS[0]!;

function sendTemplate(p: RigProcess, i: number): (token: string) => Promise<SendResult> {
  return (token) =>
    p.client.sendTemplate(token, {
      touser: `oUser${i}`,
      template_id: 'TPL',
      data: { thing1: { value: 'hi' } },
      client_msg_id: `msg-${i}`,
    });
}

describe('sendWithToken', () => {
  let rig: TokenRig;

  afterEach(async () => {
    await rig.close();
  });

  describe('with AccessTokenService and a real HTTP server', () => {
    it('when WeChat rejects the cached token (40001), then that token is dropped, one new token fetched and the send retried once', async () => {
      rig = await TokenRig.start();
      const [p] = await rig.spawnMany(1);
      const old = await p!.tokens.get(A.appId);
      rig.server.revoke(old); // another system fetched a classic token: ours is dead

      const out = await sendWithToken(p!.tokens, A.appId, sendTemplate(p!, 1));

      expect(out).toEqual({ result: { msgid: '3487542469355618313' }, tokenRefreshed: true });
      expect(rig.server.sends.map((s) => s.token === old)).toEqual([true, false]);
      expect(rig.server.calls(A.appId)).toBe(2);
    });

    it('when 400 sends over 4 processes all hit a revoked token, then one token fetch serves every retry (no 40001 storm)', async () => {
      rig = await TokenRig.start();
      rig.server.tokenDelayMs = 50;
      // Generous timeout: 800 calls into one in-process server on a shared CI box.
      const procs = await rig.spawnMany(4, { timeoutMs: 30_000 });
      const old = await procs[0]!.tokens.get(A.appId);
      rig.server.revoke(old);

      const outs = await Promise.all(
        Array.from({ length: 400 }, (_, i) => {
          const p = procs[i % 4]!;
          return sendWithToken(p.tokens, A.appId, sendTemplate(p, i));
        }),
      );

      expect(outs.every((o) => o.result.msgid === '3487542469355618313')).toBe(true);
      expect(rig.server.calls(A.appId)).toBe(2);
      expect(rig.server.sends.length).toBeLessThanOrEqual(800);
      process.stdout.write(
        `[40001-storm] 400 sends on a revoked token over 4 processes: token calls=${rig.server.calls(A.appId)}, sends=${rig.server.sends.length}\n`,
      );
    });

    it('when the new token is rejected too, then the token error is thrown after two sends and one refresh', async () => {
      rig = await TokenRig.start();
      rig.server.sendOverride = () => ({ errcode: 42001, errmsg: 'access_token expired rid: 9-9' });
      const [p] = await rig.spawnMany(1);

      const err = await sendWithToken(p!.tokens, A.appId, sendTemplate(p!, 1)).catch(
        (e: unknown) => e,
      );

      expect(err).toMatchObject({ errcode: 42001, errorClass: 'token' });
      expect(rig.server.sends).toHaveLength(2);
      expect(rig.server.calls(A.appId)).toBe(2);
    });
  });
});
