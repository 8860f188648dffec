import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { ORDERS_KEY, bearer, startTestApi, type TestApi } from './helpers/test-api';

/*
 * A method a path does not answer is a 405 with a correct Allow, OPTIONS answers what the
 * path really offers, and a library's pages answer GET only (#18, finding 13).
 */

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
const METHODS: Method[] = ['get', 'post', 'put', 'patch', 'delete'];

interface OpenApiPaths {
  paths: Record<string, Record<string, unknown>>;
}

/** A concrete path for an OpenAPI path (`{id}` → a value). */
const concrete = (path: string) => path.replace(/\{[^}]+\}/g, 'x1');

describe('methods', () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await startTestApi({ admin: { user: 'admin', password: 'dashboard-pass-1' } });
  });

  afterAll(async () => {
    await api.close();
  });

  it.each([
    ['put', '/v1/messages', 'GET, HEAD, OPTIONS, POST'],
    ['get', '/v1/messages/batch', 'OPTIONS, POST'],
    ['patch', '/v1/messages/m1', 'DELETE, GET, HEAD, OPTIONS'],
    ['post', '/healthz', 'GET, HEAD, OPTIONS'],
    ['delete', '/v1/dead-letters', 'GET, HEAD, OPTIONS'],
    ['get', '/cgi-bin/message/template/send', 'OPTIONS, POST'],
    ['put', '/wechat/events/wx1', 'GET, HEAD, OPTIONS, POST'],
  ] as const)(
    'when %s %s is asked, then it is a 405 in the error shape with Allow: %s',
    async (method, path, allow) => {
      const res = await request(api.app)
        [method](path)
        .set(bearer(ORDERS_KEY))
        .set('X-Request-Id', 'req-405');

      expect(res.status).toBe(405);
      expect(res.headers.allow).toBe(allow);
      expect(res.body).toEqual({
        error: {
          code: 'method_not_allowed',
          message: `${method.toUpperCase()} is not allowed on this path; see Allow`,
          requestId: 'req-405',
        },
      });
    },
  );

  it('when OPTIONS /v1/messages/batch is asked, then it offers POST only, not the GET and DELETE of /{id}', async () => {
    const res = await request(api.app).options('/v1/messages/batch');

    expect(res.status).toBe(204);
    expect(res.headers.allow).toBe('OPTIONS, POST');
  });

  it('when OPTIONS /v1/messages/{id} is asked, then it offers what that route answers', async () => {
    const res = await request(api.app).options('/v1/messages/m1');

    expect(res.status).toBe(204);
    expect(res.headers.allow).toBe('DELETE, GET, HEAD, OPTIONS');
  });

  it.each([
    ['post', '/docs/'],
    ['put', '/docs/'],
    ['delete', '/docs/swagger-ui.css'],
    ['patch', '/docs'],
  ] as const)('when %s %s is asked, then it is a 405, not the page', async (method, path) => {
    const res = await request(api.app)[method](path);

    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET, HEAD, OPTIONS');
  });

  it('when GET /docs/ is asked, then the page still answers', async () => {
    const res = await request(api.app).get('/docs/');

    expect(res.status).toBe(200);
  });

  it('when every documented path is asked with a method it does not answer, then each is a 405 naming exactly its documented methods', async () => {
    const { paths } = (await request(api.app).get('/openapi.json')).body as OpenApiPaths;
    const answers: Record<string, string> = {};
    const expected: Record<string, string> = {};

    for (const [path, item] of Object.entries(paths)) {
      const documented = Object.keys(item);
      const unlisted = METHODS.find((method) => !documented.includes(method));
      if (unlisted === undefined) {
        continue;
      }
      const res = await request(api.app)[unlisted](concrete(path)).set(bearer(ORDERS_KEY));
      const allow = new Set(documented.map((m) => m.toUpperCase()));
      if (allow.has('GET')) {
        allow.add('HEAD');
      }
      allow.add('OPTIONS');
      answers[`${unlisted} ${path}`] = `${res.status} ${String(res.headers.allow)}`;
      expected[`${unlisted} ${path}`] = `405 ${[...allow].sort().join(', ')}`;
    }

    expect(Object.keys(answers).length).toBeGreaterThan(10);
    expect(answers).toEqual(expected);
  });

  it('when an unknown path is asked with any method, then it is still a 404', async () => {
    const res = await request(api.app).put('/v2/messages');

    expect(res.status).toBe(404);
  });
});
