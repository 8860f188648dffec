import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SsrfBlockedError, SsrfGuard } from '@wechat-dispatch/shared';
import { CallbackSender } from '../src/infra/callback-sender';

/**
 * Issue #18, finding 8: an allow-listed loopback no longer opens the service's own ports to
 * every caller. The receiver stands in for the worker's ops port (a protected port).
 */
describe('CallbackSender with a scoped CALLBACK_ALLOWLIST', () => {
  let server: Server;
  let port: number;
  let hits = 0;

  beforeAll(async () => {
    server = createServer((_req, res) => {
      hits += 1;
      res.writeHead(200).end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  const sender = (allowlist: string[]) =>
    new CallbackSender({ ssrf: new SsrfGuard(allowlist, undefined, [port]), timeoutMs: 5000 });

  it('when an unported loopback entry is all there is, then a protected port is never contacted', async () => {
    const s = sender(['127.0.0.1', 'localhost']);
    const before = hits;

    await expect(
      s.post(`http://127.0.0.1:${port}/metrics`, '{}', {}, 'orders'),
    ).rejects.toBeInstanceOf(SsrfBlockedError);
    await expect(
      s.post(`http://localhost:${port}/metrics`, '{}', {}, 'orders'),
    ).rejects.toBeInstanceOf(SsrfBlockedError);
    expect(hits).toBe(before);
    s.close();
  });

  it('when the entry names the caller and the port, then that caller reaches it and another does not', async () => {
    const s = sender([`orders@127.0.0.1:${port}`]);
    const before = hits;

    await expect(s.post(`http://127.0.0.1:${port}/hook`, '{}', {}, 'orders')).resolves.toEqual({
      status: 200,
    });
    await expect(s.post(`http://127.0.0.1:${port}/hook`, '{}', {}, 'shop')).rejects.toBeInstanceOf(
      SsrfBlockedError,
    );
    expect(hits).toBe(before + 1);
    s.close();
  });

  it('when a host name resolves to loopback at connect time, then the lookup of a caller without an entry refuses it', async () => {
    const guard = new SsrfGuard([`orders@127.0.0.1:${port}`, `orders@[::1]:${port}`], undefined, [
      port,
    ]);
    const lookUp = (caller: string) =>
      new Promise<unknown>((resolve) =>
        guard.lookupFor({ caller, port })('localhost', { all: true }, (err) => resolve(err)),
      );

    expect(await lookUp('shop')).toBeInstanceOf(SsrfBlockedError);
    expect(await lookUp('orders')).toBeNull();
  });
});
