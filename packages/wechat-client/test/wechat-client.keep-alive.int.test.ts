import { afterEach, describe, expect, it } from '@jest/globals';
import { WeChatClient } from '../src';
import { FakeWeChatServer } from './helpers/fake-wechat-server';

describe('WeChatClient', () => {
  let server: FakeWeChatServer;
  let client: WeChatClient;

  afterEach(async () => {
    client.close();
    await server.close();
  });

  describe('connections', () => {
    it('when calls run one after another, then they reuse one keep-alive connection', async () => {
      server = new FakeWeChatServer([
        { appId: 'wxkeepalive0000001', secret: 'SECRET_keepalive_000000' },
      ]);
      client = new WeChatClient({ baseUrl: await server.start(), timeoutMs: 5000 });

      const { accessToken } = await client.getClassicToken(
        'wxkeepalive0000001',
        'SECRET_keepalive_000000',
      );
      for (let i = 0; i < 5; i += 1) {
        await client.sendTemplate(accessToken, {
          touser: 'oUser',
          template_id: 'TPL',
          data: { thing1: { value: '你好' } },
          client_msg_id: `m${i}`,
        });
      }

      expect(server.sends).toHaveLength(5);
      expect(server.connections).toBe(1);
      expect(server.sends[0]!.body).toMatchObject({
        data: { thing1: { value: '你好' } },
        client_msg_id: 'm0',
      });
    });

    it('when the client is closed, then a later call fails as a transient connection error', async () => {
      server = new FakeWeChatServer([]);
      client = new WeChatClient({ baseUrl: await server.start(), timeoutMs: 5000 });
      await client
        .sendTemplate('TOKEN_unknown_123456', {
          touser: 'o',
          template_id: 't',
          data: {},
          client_msg_id: 'a',
        })
        .catch(() => undefined);

      client.close();
      const err = await client
        .sendTemplate('TOKEN_unknown_123456', {
          touser: 'o',
          template_id: 't',
          data: {},
          client_msg_id: 'b',
        })
        .catch((e: unknown) => e);

      expect(err).toMatchObject({
        errorClass: 'transient',
        kind: 'connection',
        networkCode: 'ERR_CLIENT_CLOSED',
      });
      expect(server.sends).toHaveLength(1);
    });
  });
});
