import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHttp, type HttpHandle } from '../src/http/create-http';

const PROXY_VARS = ['http_proxy', 'https_proxy', 'all_proxy', 'no_proxy'].flatMap((name) => [
  name,
  name.toUpperCase(),
]);

/** An HTTP server that answers every request with `who` and remembers the request lines. */
async function startServer(who: string): Promise<{ server: Server; url: string; seen: string[] }> {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ errcode: 0, who }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

describe('the axios transport and proxies from the environment', () => {
  const saved = new Map(PROXY_VARS.map((name) => [name, process.env[name]]));
  let servers: Server[] = [];
  let handle: HttpHandle | undefined;

  beforeEach(() => PROXY_VARS.forEach((name) => delete process.env[name]));

  afterEach(async () => {
    handle?.close();
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
    servers = [];
    saved.forEach((value, name) =>
      value === undefined ? delete process.env[name] : (process.env[name] = value),
    );
  });

  async function wechatAndProxy() {
    const wechat = await startServer('wechat');
    const proxy = await startServer('proxy');
    servers = [wechat.server, proxy.server];
    return { wechat, proxy };
  }

  const post = (h: HttpHandle) =>
    h.http.call({ method: 'POST', path: '/cgi-bin/x', body: { a: 1 }, timeoutMs: 2000 });

  it('when a proxy variable is set as the client is built, then calls go through that proxy', async () => {
    const { wechat, proxy } = await wechatAndProxy();
    process.env.HTTP_PROXY = proxy.url;
    handle = createHttp(wechat.url, 2000, 'axios');

    const answer = await post(handle);

    expect(JSON.parse(answer.text)).toMatchObject({ who: 'proxy' });
    expect(proxy.seen).toEqual([`POST ${wechat.url}/cgi-bin/x`]);
    expect(wechat.seen).toEqual([]);
  });

  it('when no proxy variable is set as the client is built, then calls go straight to WeChat', async () => {
    const { wechat, proxy } = await wechatAndProxy();
    handle = createHttp(wechat.url, 2000, 'axios');
    // Read once, when the client is built: a variable set afterwards changes nothing.
    process.env.HTTP_PROXY = proxy.url;

    const answer = await post(handle);

    expect(JSON.parse(answer.text)).toMatchObject({ who: 'wechat' });
    expect(wechat.seen).toEqual(['POST /cgi-bin/x']);
    expect(proxy.seen).toEqual([]);
  });
});
