import { afterEach, describe, expect, it } from '@jest/globals';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createNodeTransport } from '../src/http/node-transport';
import type { HttpTransport } from '../src/http/http-transport';

describe('the HTTP transport: what WeChat receives', () => {
  let server: Server;
  let transport: HttpTransport;
  const received: Array<{
    method?: string;
    url?: string;
    headers: IncomingHttpHeaders;
    body: string;
  }> = [];

  afterEach(async () => {
    transport.close();
    received.length = 0;
    await new Promise((resolve) => server.close(resolve));
  });

  async function start(): Promise<string> {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        received.push({ method: req.method, url: req.url, headers: req.headers, body });
        res.end('{"errcode":0}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  it('when a POST and a GET go out, then each carries Accept, and the POST its JSON body with its type', async () => {
    transport = createNodeTransport(await start());

    await transport.call({
      method: 'POST',
      path: '/cgi-bin/message/template/send',
      params: { access_token: 'T' },
      body: { touser: 'o', data: { thing1: { value: '你好' } } },
      timeoutMs: 2000,
    });
    await transport.call({
      method: 'GET',
      path: '/cgi-bin/token',
      params: { a: 'b' },
      timeoutMs: 2000,
    });

    const [post, get] = received;
    expect(post).toMatchObject({
      method: 'POST',
      url: '/cgi-bin/message/template/send?access_token=T',
      body: '{"touser":"o","data":{"thing1":{"value":"你好"}}}',
      headers: { accept: 'application/json, text/plain, */*', 'content-type': 'application/json' },
    });
    expect(get).toMatchObject({
      method: 'GET',
      url: '/cgi-bin/token?a=b',
      body: '',
      headers: { accept: 'application/json, text/plain, */*' },
    });
    expect(get!.headers['content-type']).toBeUndefined();
  });
});
