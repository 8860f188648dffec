import { afterEach, describe, expect, it } from '@jest/globals';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Counter, Registry } from 'prom-client';
import { createOpsServer } from '../src/ops-server';

/* `/metrics` of the worker behind METRICS_TOKEN (#18, finding 10), over a real HTTP server. */

const TOKEN = 'scrape-token-0123456789';

function registryWithOneMetric(): Registry {
  const registry = new Registry();
  new Counter({ name: 'wxd_test_total', help: 'a test counter', registers: [registry] }).inc();
  return registry;
}

describe('createOpsServer', () => {
  let server: Server | undefined;

  afterEach(async () => {
    server?.close();
    if (server) {
      await once(server, 'close');
    }
    server = undefined;
  });

  async function start(metricsToken?: string): Promise<string> {
    server = createOpsServer({
      registry: registryWithOneMetric(),
      readiness: () => Promise.resolve({ ready: true }),
      metricsToken,
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  it.each([
    ['no Authorization', {}],
    ['a wrong token', { authorization: 'Bearer scrape-token-0123456780' }],
    ['the token without Bearer', { authorization: TOKEN }],
    ['basic auth', { authorization: `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}` }],
  ])(
    'when METRICS_TOKEN is set and /metrics is asked with %s, then it is a 401 without metrics',
    async (_name, headers) => {
      const url = await start(TOKEN);

      const res = await fetch(`${url}/metrics`, { headers });

      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
      expect(await res.text()).not.toContain('wxd_test_total');
    },
  );

  it('when METRICS_TOKEN is set and /metrics is asked with the bearer token, then it answers the metrics', async () => {
    const url = await start(TOKEN);

    const res = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });

    expect(res.status).toBe(200);
    expect(await res.text()).toContain('wxd_test_total 1');
  });

  it('when METRICS_TOKEN is set, then the probes stay open (kubelets send no token)', async () => {
    const url = await start(TOKEN);

    const [health, ready] = await Promise.all([fetch(`${url}/healthz`), fetch(`${url}/readyz`)]);

    expect([health.status, ready.status]).toEqual([200, 200]);
  });

  it('when METRICS_TOKEN is not set, then /metrics is open as in v1', async () => {
    const url = await start();

    const res = await fetch(`${url}/metrics`);

    expect(res.status).toBe(200);
  });
});
