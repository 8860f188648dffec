import { describe, expect, it } from '@jest/globals';
import express from 'express';
import request from 'supertest';
import { clientAddress } from '../src/http/client-address';

/*
 * The throttle's client address must be Express's `req.ip` for the same TRUST_PROXY_HOPS, on
 * the fast path (no Express) as on every other route.
 */

function echoAddresses(hops: number) {
  const app = express();
  app.set('trust proxy', hops);
  app.get('/', (req, res) => {
    res.json({ express: req.ip, ours: clientAddress(req, hops) });
  });
  return app;
}

describe('clientAddress', () => {
  it.each([
    [0, undefined],
    [0, '203.0.113.7'],
    [1, undefined],
    [1, '203.0.113.7'],
    [1, '192.0.2.1, 203.0.113.7'],
    [2, '192.0.2.1, 203.0.113.7'],
    [3, '192.0.2.1, 203.0.113.7'],
    [1, '2001:db8::1'],
  ])(
    'when trust proxy is %i hops and X-Forwarded-For is %j, then it is what Express calls req.ip',
    async (hops, forwarded) => {
      const req = request(echoAddresses(hops)).get('/');
      const res = await (forwarded ? req.set('X-Forwarded-For', forwarded) : req);

      const { express: expressIp, ours } = res.body as { express: string; ours: string };
      expect(ours).toBe(expressIp);
    },
  );

  it('when the trusted entry is no address, then it is "unknown", never raw text in a Redis key', async () => {
    const res = await request(echoAddresses(1)).get('/').set('X-Forwarded-For', 'x}:evil key');

    expect((res.body as { ours: string }).ours).toBe('unknown');
  });
});
