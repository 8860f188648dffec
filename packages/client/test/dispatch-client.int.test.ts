import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Redis } from 'ioredis';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  DeadLetterStore,
  RecordStore,
  openServiceQueues,
  type ServiceQueues,
} from '@wechat-dispatch/core';
import {
  Keyspace,
  connectRedis,
  createLogger,
  createRedis,
  signCallback,
  type RedisClient,
} from '@wechat-dispatch/shared';
import {
  TEST_REDIS_URL,
  freePort,
  startProcess,
  uniquePrefix,
  type RunningProcess,
} from '@wechat-dispatch/testkit';
import { DispatchClient, DispatchError, verifyCallbackSignature, type MessageBody } from '../src';

const APP_ID = 'wxclient000000001';
const KEY = 'client-test-key-000001';
const message: MessageBody = {
  type: 'template',
  toUser: 'oGZUI0egBJY1zhBYw2KhdUfwVJJE',
  templateId: 'TPL_client_1',
  data: { keyword1: 'Order 1042' },
};

/**
 * An HTTP server in front of the API that answers the first `failures` requests with 503 and
 * `Retry-After`, then forwards; it records what it saw.
 */
function flakyProxy(target: string, failures: number, retryAfter: string) {
  const seen: Array<{ method: string; idempotencyKey?: string; status: number }> = [];
  let left = failures;
  const server: Server = createServer((req, res) => {
    const idempotencyKey = req.headers['idempotency-key'] as string | undefined;
    if (left > 0) {
      left -= 1;
      seen.push({ method: req.method!, idempotencyKey, status: 503 });
      req.resume();
      res.writeHead(503, { 'retry-after': retryAfter, 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ error: { code: 'storage_unavailable', message: 'down', requestId: 'r' } }),
      );
      return;
    }
    const url = new URL(req.url!, target);
    const upstream = httpRequest(url, { method: req.method, headers: req.headers }, (answer) => {
      seen.push({ method: req.method!, idempotencyKey, status: answer.statusCode! });
      res.writeHead(answer.statusCode!, answer.headers);
      answer.pipe(res);
    });
    req.pipe(upstream);
  });
  return { server, seen };
}

describe('DispatchClient against the real API process and Redis', () => {
  let api: RunningProcess;
  let baseUrl: string;
  let client: DispatchClient;
  let redis: RedisClient;
  let keyspace: Keyspace;
  let queues: ServiceQueues;
  let records: RecordStore;
  let deadLetters: DeadLetterStore;

  beforeAll(async () => {
    const prefix = uniquePrefix('client');
    const port = await freePort();
    api = startProcess('api', {
      LOG_LEVEL: 'info',
      PORT: String(port),
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: prefix,
      WECHAT_APPS: `${APP_ID}:client-app-secret-0001`,
      API_KEYS: `orders:${KEY}`,
    });
    await api.waitForLine((line) => line.includes('api listening'));
    baseUrl = `http://127.0.0.1:${port}`;
    client = new DispatchClient({ baseUrl, apiKey: KEY });
    redis = createRedis(TEST_REDIS_URL, 'producer', 'client-test');
    await connectRedis(redis);
    keyspace = new Keyspace(prefix);
    queues = openServiceQueues({
      connection: redis,
      keyspace,
      logger: createLogger({ service: 'test', silent: true }),
    });
    records = new RecordStore({ redis, keyspace });
    deadLetters = new DeadLetterStore({
      redis,
      keyspace,
      records,
      deadLetterQueue: queues.deadLetters,
      sendQueue: queues.send,
    });
  });

  afterAll(async () => {
    await api?.stop();
    await queues?.close();
    const keys: string[] = [];
    for await (const batch of (redis as Redis).scanStream({
      match: `${keyspace.root}:*`,
      count: 500,
    })) {
      keys.push(...(batch as string[]));
    }
    for (let i = 0; i < keys.length; i += 500) {
      await redis.del(...keys.slice(i, i + 500));
    }
    redis?.disconnect();
  });

  it('when a message is sent, then it is queued and its record reads back', async () => {
    const accepted = await client.send(message);
    const record = await client.get(accepted.id);

    expect(accepted.status).toBe('queued');
    expect(record).toMatchObject({ id: accepted.id, status: 'queued', caller: 'orders' });
  });

  it('when the same send is repeated with one Idempotency-Key, then one message exists', async () => {
    const first = await client.send(message, { idempotencyKey: 'order-1042' });
    const again = await client.send(message, { idempotencyKey: 'order-1042' });

    expect(again.id).toBe(first.id);
  });

  it('when a batch is sent, then every message is queued, ids in order', async () => {
    const ids = await client.sendBatch([message, { ...message, templateId: 'TPL_client_2' }]);

    expect(ids).toHaveLength(2);
    expect((await client.get(ids[0]!)).templateId).toBe('TPL_client_1');
    expect((await client.get(ids[1]!)).templateId).toBe('TPL_client_2');
  });

  it('when a queued message is cancelled, then it reads back cancelled; a second cancel is a 409 DispatchError', async () => {
    const { id } = await client.send(message);
    await client.cancel(id);

    expect((await client.get(id)).status).toBe('cancelled');
    await expect(client.cancel(id)).rejects.toMatchObject({ status: 409 });
  });

  it('when a body is refused, then the DispatchError carries the status, code and the bad field', async () => {
    const refused = await client.send({ ...message, toUser: 'x' }).catch((err: unknown) => err);

    expect(refused).toBeInstanceOf(DispatchError);
    expect(refused).toMatchObject({ status: 400, code: 'validation_failed' });
    expect((refused as DispatchError).body?.error.details?.[0]?.path).toBe('toUser');
  });

  it('when a dead message is redriven, then it is listed as dead first and queued again after', async () => {
    const { id } = await client.send(message);
    await records.transition(id, {
      from: ['queued'],
      to: 'sending',
      appId: APP_ID,
      event: { event: 'sending' },
    });
    await records.transition(id, {
      from: ['sending'],
      to: 'dead',
      appId: APP_ID,
      set: { lastError: { errcode: 40003, errmsg: 'invalid openid' } },
      event: { event: 'dead', errcode: 40003 },
    });
    await deadLetters.bury({
      messageId: id,
      appId: APP_ID,
      errcode: 40003,
      errmsg: 'invalid openid',
      traceId: 't',
      deadAt: new Date().toISOString(),
    });

    const listed = await client.deadLetters({ limit: 10 });
    await client.redrive(id);

    expect(listed.items.map((item) => item.id)).toContain(id);
    expect((await client.get(id)).status).toBe('queued');
  });

  it('when the API answers 503 with Retry-After, then the client waits that long and sends the same request again, with the same Idempotency-Key', async () => {
    const proxy = flakyProxy(baseUrl, 2, '2');
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    const waits: number[] = [];
    const flaky = new DispatchClient({
      baseUrl: `http://127.0.0.1:${(proxy.server.address() as AddressInfo).port}`,
      apiKey: KEY,
      sleep: (ms) => {
        waits.push(ms);
        return Promise.resolve();
      },
    });

    const accepted = await flaky.send(message);
    proxy.server.close();

    expect(waits).toEqual([2000, 2000]);
    expect(proxy.seen.map((s) => s.status)).toEqual([503, 503, 202]);
    expect(new Set(proxy.seen.map((s) => s.idempotencyKey)).size).toBe(1);
    expect(proxy.seen[0]!.idempotencyKey).toMatch(/^[0-9a-f-]{36}$/);
    expect((await client.get(accepted.id)).status).toBe('queued');
  });

  it('when the API keeps answering 503, then the client gives up after its retries with a DispatchError 503', async () => {
    const proxy = flakyProxy(baseUrl, 10, '1');
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    const flaky = new DispatchClient({
      baseUrl: `http://127.0.0.1:${(proxy.server.address() as AddressInfo).port}`,
      apiKey: KEY,
      retries: 2,
      sleep: () => Promise.resolve(),
    });

    await expect(flaky.get('whatever')).rejects.toMatchObject({ status: 503 });
    proxy.server.close();

    expect(proxy.seen).toHaveLength(3);
  });

  it("when a callback is verified, then the service's own signature passes and a changed body, secret or stale timestamp fails", () => {
    const body = JSON.stringify({ id: 'm1', status: 'sent' });
    const now = 1_800_000_000;
    const header = signCallback('caller-secret', body, now);

    expect(verifyCallbackSignature('caller-secret', header, body, { nowSeconds: now })).toBe(true);
    expect(
      verifyCallbackSignature('caller-secret', header, Buffer.from(body), { nowSeconds: now + 60 }),
    ).toBe(true);
    expect(verifyCallbackSignature('caller-secret', header, `${body} `, { nowSeconds: now })).toBe(
      false,
    );
    expect(verifyCallbackSignature('other-secret', header, body, { nowSeconds: now })).toBe(false);
    expect(verifyCallbackSignature('caller-secret', header, body, { nowSeconds: now + 301 })).toBe(
      false,
    );
    expect(verifyCallbackSignature('caller-secret', undefined, body, { nowSeconds: now })).toBe(
      false,
    );
  });
});
