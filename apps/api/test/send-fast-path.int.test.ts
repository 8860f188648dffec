import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { BILLING_KEY, ORDERS_KEY, bearer, startTestApi, type TestApi } from './helpers/test-api';
import { templateBody } from './helpers/messages';

/** How a request to `POST /v1/messages` is sent: as is, or with a query string that sends it through Express. */
type Route = 'fast path' | 'express';

interface Sent {
  body?: string | object;
  headers?: Record<string, string>;
}

/** Header values that differ between any two answers (time, ids, counters). */
const VOLATILE = new Set(['date', 'location', 'ratelimit', 'content-length', 'etag']);

/** An answer with what differs between two requests (ids, dates, counters) masked. */
function comparable(res: request.Response): Record<string, unknown> {
  const headers = Object.fromEntries(
    Object.entries(res.headers).map(([name, value]) => [name, VOLATILE.has(name) ? '*' : value]),
  );
  const body = JSON.parse(JSON.stringify(res.body), (key, value: unknown) =>
    key === 'id' || key === 'requestId' ? '*' : value,
  ) as unknown;
  return { status: res.status, headers, body };
}

describe('POST /v1/messages: the send fast path answers exactly as the Express route does', () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await startTestApi();
  });

  afterAll(async () => {
    await api.close();
  });

  async function send(route: Route, sent: Sent): Promise<request.Response> {
    const path = route === 'express' ? '/v1/messages?via=express' : '/v1/messages';
    const req = request(api.app)
      .post(path)
      .set('Content-Type', 'application/json')
      .set('X-Request-Id', 'trace-fast-path')
      .set(sent.headers ?? {});
    const body = sent.body ?? templateBody();
    return req.send(typeof body === 'string' ? body : JSON.stringify(body));
  }

  const cases: Array<[string, Sent]> = [
    ['a valid message', { headers: bearer(ORDERS_KEY) }],
    ['no API key', {}],
    ['an unknown API key', { headers: bearer('not-a-key-0000000000') }],
    ['a body that is not JSON', { headers: bearer(ORDERS_KEY), body: '{"type":' }],
    ['a JSON string instead of an object', { headers: bearer(ORDERS_KEY), body: '"hello"' }],
    [
      'a BOM before the JSON',
      { headers: bearer(ORDERS_KEY), body: `\uFEFF${JSON.stringify(templateBody())}` },
    ],
    [
      'a message without toUser and with an unknown field',
      { headers: bearer(ORDERS_KEY), body: templateBody({ toUser: undefined, extra: 1 }) },
    ],
    [
      'an unknown app',
      { headers: bearer(ORDERS_KEY), body: templateBody({ appId: 'wxnotconfigured0001' }) },
    ],
    [
      'an Idempotency-Key that is too long',
      { headers: { ...bearer(ORDERS_KEY), 'Idempotency-Key': 'k'.repeat(129) } },
    ],
    [
      'a charset other than UTF-8 (Express answers it: 415)',
      { headers: { ...bearer(ORDERS_KEY), 'Content-Type': 'application/json; charset=latin1' } },
    ],
  ];

  it.each(cases)(
    'when it gets %s, then both answer the same status, headers and body',
    async (_name, sent) => {
      const viaFastPath = await send('fast path', sent);
      const viaExpress = await send('express', sent);

      expect(comparable(viaFastPath)).toEqual(comparable(viaExpress));
    },
  );

  it('when an Idempotency-Key is repeated, then both answer the repeat 200 with Idempotent-Replayed and the first id', async () => {
    const answers: Record<Route, request.Response[]> = { 'fast path': [], express: [] };
    for (const route of ['fast path', 'express'] as const) {
      const sent = { headers: { ...bearer(BILLING_KEY), 'Idempotency-Key': `repeat-${route}` } };
      answers[route].push(await send(route, sent), await send(route, sent));
    }

    const [first, repeat] = answers['fast path'];
    expect(repeat!.status).toBe(200);
    expect(repeat!.headers['idempotent-replayed']).toBe('true');
    expect((repeat!.body as { id: string }).id).toBe((first!.body as { id: string }).id);
    expect(answers['fast path'].map(comparable)).toEqual(answers.express.map(comparable));
  });

  it('when a message is accepted on the fast path, then its request is counted under the route template', async () => {
    await send('fast path', { headers: bearer(ORDERS_KEY) });

    const metrics = await request(api.app).get('/metrics');
    expect(metrics.text).toMatch(
      /wxd_http_request_duration_seconds_count\{method="POST",route="\/v1\/messages",status="202"\} [1-9]/,
    );
  });

  it('when a caller hangs up in the middle of its body, then nothing is stored and the API goes on answering', async () => {
    const server: Server = createServer(api.app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const before = await api.storedKeys();

    await new Promise<void>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.write(
          'POST /v1/messages HTTP/1.1\r\nHost: api\r\nContent-Type: application/json\r\n' +
            `Authorization: Bearer ${ORDERS_KEY}\r\nContent-Length: 400\r\n\r\n{"type":"templ`,
        );
        setTimeout(() => socket.destroy(), 50);
      });
      socket.on('close', () => resolve());
    });
    // Give the server time to see the hang-up (it would store nothing in any case).
    await new Promise((resolve) => setTimeout(resolve, 100));
    const afterHangUp = await api.storedKeys();
    const next = await send('fast path', { headers: bearer(ORDERS_KEY) });
    await new Promise<void>((resolve) => server.close(() => resolve()));

    expect(afterHangUp).toEqual(before);
    expect(next.status).toBe(202);
  });
});
