import { describe, expect, it } from '@jest/globals';
import express from 'express';
import request from 'supertest';
import { createLogger } from '@wechat-dispatch/shared';
import { errorHandler } from '../src/http/middleware/error-handler';
import { requestId } from '../src/http/middleware/request-id';

function appThrowing(err: unknown) {
  const app = express();
  app.use(requestId());
  app.get('/boom', () => {
    throw err;
  });
  app.use(errorHandler(createLogger({ service: 'api', silent: true })));
  return app;
}

describe('errorHandler', () => {
  it('when a route throws something unexpected, then it answers 500 with only an error id, never the cause', async () => {
    const res = await request(appThrowing(new Error('secret internals at /srv/app.ts:42')))
      .get('/boom')
      .set('X-Request-Id', 'req-500');

    expect(res.status).toBe(500);
    expect(res.body).toEqual({
      error: {
        code: 'internal',
        message: 'Internal error',
        requestId: 'req-500',
        errorId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      },
    });
    expect(res.text).not.toContain('secret internals');
  });

  it('when ioredis reports a fail-fast connection without Redis, then it answers 503 with Retry-After', async () => {
    const res = await request(
      appThrowing(new Error("Stream isn't writeable and enableOfflineQueue options is false")),
    ).get('/boom');

    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('1');
    expect(res.body).toMatchObject({ error: { code: 'redis_unavailable' } });
  });

  it('when body-parser reports a caller that hung up mid-body, then it is a 400, not an unexpected error', async () => {
    const res = await request(appThrowing({ type: 'request.aborted' })).get('/boom');

    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      error: { code: 'invalid_json', message: 'The body did not arrive whole' },
    });
  });
});
