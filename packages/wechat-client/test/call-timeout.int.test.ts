import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from '@jest/globals';
import { WeChatClient } from '../src';

describe('WeChatClient call timeout', () => {
  let server: Server;
  let client: WeChatClient;

  afterEach(async () => {
    client.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('when WeChat answers slowly but never goes quiet, then the call still ends at its timeout', async () => {
    // A byte every 50 ms would keep a socket-inactivity timeout from ever firing; only a timer
    // over the whole call can end this one.
    server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const drip = setInterval(() => res.write(' '), 50);
      res.on('close', () => clearInterval(drip));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    client = new WeChatClient({ baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 300 });

    const started = Date.now();
    const err = await client
      .sendTemplate('TOKEN_slow_0123456789', {
        touser: 'o',
        template_id: 't',
        data: {},
        client_msg_id: 'a',
      })
      .catch((e: unknown) => e);

    expect(err).toMatchObject({ kind: 'timeout' });
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
