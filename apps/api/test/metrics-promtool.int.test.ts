import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { promtoolCheckMetrics } from '@wechat-dispatch/testkit';
import { startTestApi, type TestApi } from './helpers/test-api';

describe('metrics, as Prometheus tooling reads them', () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await startTestApi({ processMetrics: true });
  });

  afterAll(async () => {
    await api.close();
  });

  it("when the API's /metrics (with Node's process metrics) is checked by promtool, then it passes", async () => {
    const text = (await request(api.app).get('/metrics')).text;

    expect(text).toContain('wxd_api_nodejs_active_handles');
    expect(await promtoolCheckMetrics(text)).toEqual({ code: 0, output: '' });
  });

  it('when Swagger UI, its assets and a refused event push are requested, then each is labelled with its documented route', async () => {
    await request(api.app).get('/docs/');
    await request(api.app).get('/docs/swagger-ui.css');
    await request(api.app).post('/wechat/events/wxnosuchapp000001').send('x');
    await request(api.app).get('/v1/messages/nosuchid').set('authorization', 'Bearer nope');

    const text = (await request(api.app).get('/metrics')).text;
    const routes = new Set(
      [...text.matchAll(/wxd_http_request_duration_seconds_count\{[^}]*route="([^"]+)"/g)].map(
        (m) => m[1],
      ),
    );

    expect([...routes]).toEqual(
      expect.arrayContaining(['/docs/*', '/wechat/events/:appId', '/v1/messages/:id']),
    );
    expect([...routes].filter((r) => ['/docs/docs', 'unmatched', '/:appId'].includes(r!))).toEqual(
      [],
    );
  });
});
