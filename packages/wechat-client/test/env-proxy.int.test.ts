import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { createNodeTransport } from '../src/http/node-transport';
import type { HttpTransport } from '../src/http/http-transport';

const PROXY_VARS = ['http_proxy', 'https_proxy', 'all_proxy', 'no_proxy'].flatMap((name) => [
  name,
  name.toUpperCase(),
]);

interface Started {
  server: Server;
  url: string;
  /** Request lines received (`CONNECT host:port` for a tunnel). */
  seen: string[];
}

async function listen(server: Server, seen: string[]): Promise<Started> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

/** A stand-in for WeChat that answers every request and remembers its request line. */
function startWeChat(): Promise<Started> {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    res.setHeader('content-type', 'application/json');
    res.end('{"errcode":0,"who":"wechat"}');
  });
  return listen(server, seen);
}

/**
 * An HTTP proxy that tunnels CONNECT to the named host, or refuses it with 407 when `refuse`;
 * tunnels stay open as long as the client keeps them.
 */
function startProxy(refuse = false): Promise<Started> {
  const seen: string[] = [];
  const server = createServer((_req, res) => res.writeHead(405).end());
  server.on('connect', (req, client: Socket, head: Buffer) => {
    seen.push(`CONNECT ${req.url}`);
    if (refuse) {
      client.end('HTTP/1.1 407 Proxy Authentication Required\r\n\r\n');
      return;
    }
    const [host, port] = (req.url ?? '').split(':');
    const upstream = connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  return listen(server, seen);
}

describe('the HTTP transport and proxies from the environment', () => {
  const saved = new Map(PROXY_VARS.map((name) => [name, process.env[name]]));
  let servers: Server[] = [];
  let transport: HttpTransport | undefined;

  beforeEach(() => PROXY_VARS.forEach((name) => delete process.env[name]));

  afterEach(async () => {
    transport?.close();
    await Promise.all(
      servers.map((s) => {
        s.closeAllConnections();
        return new Promise((resolve) => s.close(resolve));
      }),
    );
    servers = [];
    saved.forEach((value, name) =>
      value === undefined ? delete process.env[name] : (process.env[name] = value),
    );
  });

  async function wechatAndProxy(refuse = false) {
    const wechat = await startWeChat();
    const proxy = await startProxy(refuse);
    servers = [wechat.server, proxy.server];
    return { wechat, proxy };
  }

  const post = (t: HttpTransport) =>
    t.call({ method: 'POST', path: '/cgi-bin/x', body: { a: 1 }, timeoutMs: 2000 });

  it('when a proxy variable is set as the client is built, then calls go through one kept-alive tunnel of that proxy', async () => {
    const { wechat, proxy } = await wechatAndProxy();
    process.env.HTTP_PROXY = proxy.url;
    transport = createNodeTransport(wechat.url);

    const answers = [await post(transport), await post(transport)];

    expect(answers.map((a) => JSON.parse(a.text) as unknown)).toEqual([
      { errcode: 0, who: 'wechat' },
      { errcode: 0, who: 'wechat' },
    ]);
    expect(proxy.seen).toEqual([`CONNECT ${new URL(wechat.url).host}`]);
    expect(wechat.seen).toEqual(['POST /cgi-bin/x', 'POST /cgi-bin/x']);
  });

  it('when NO_PROXY names the WeChat host, then calls go straight to it', async () => {
    const { wechat, proxy } = await wechatAndProxy();
    process.env.HTTPS_PROXY = proxy.url;
    process.env.HTTP_PROXY = proxy.url;
    process.env.NO_PROXY = '127.0.0.1';
    transport = createNodeTransport(wechat.url);

    await post(transport);

    expect(wechat.seen).toEqual(['POST /cgi-bin/x']);
    expect(proxy.seen).toEqual([]);
  });

  it('when no proxy variable is set as the client is built, then calls go straight to WeChat', async () => {
    const { wechat, proxy } = await wechatAndProxy();
    transport = createNodeTransport(wechat.url);
    // Read once, when the client is built: a variable set afterwards changes nothing.
    process.env.HTTP_PROXY = proxy.url;

    const answer = await post(transport);

    expect(JSON.parse(answer.text)).toMatchObject({ who: 'wechat' });
    expect(wechat.seen).toEqual(['POST /cgi-bin/x']);
    expect(proxy.seen).toEqual([]);
  });

  it('when the proxy refuses the tunnel, then the call fails with a code and nothing of the proxy URL', async () => {
    const { wechat, proxy } = await wechatAndProxy(true);
    const withCredentials = new URL(proxy.url);
    withCredentials.username = 'user';
    withCredentials.password = 'proxy-secret-91823';
    process.env.HTTP_PROXY = withCredentials.href;
    transport = createNodeTransport(wechat.url);

    const err = await post(transport).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(Error);
    expect(err).toHaveProperty('code');
    expect(JSON.stringify(err) + String(err)).not.toContain('proxy-secret');
    expect(proxy.seen).toHaveLength(1);
    expect(wechat.seen).toEqual([]);
  });
});
