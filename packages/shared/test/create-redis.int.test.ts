import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Redis } from 'ioredis';
import { TEST_REDIS_URL, uniquePrefix } from '@wechat-dispatch/testkit';
import { closeRedis, connectRedis, createRedis } from '../src/redis/create-redis';

describe('createRedis auto-pipelining', () => {
  const prefix = uniquePrefix('auto-pipelining');
  let producer: Redis;
  let consumer: Redis;
  let client: Redis;

  beforeAll(async () => {
    [producer, consumer, client] = await Promise.all([
      connectRedis(createRedis(TEST_REDIS_URL, 'producer')),
      connectRedis(createRedis(TEST_REDIS_URL, 'consumer')),
      connectRedis(createRedis(TEST_REDIS_URL, 'client')),
    ]);
  });

  afterAll(async () => {
    await producer.del(`${prefix}:a`, `${prefix}:b`, `${prefix}:c`, `${prefix}:d`);
    await Promise.all([producer, consumer, client].map(closeRedis));
  });

  it('when a producer issues commands in one turn, then they leave as one pipeline and are answered in order', async () => {
    const replies = Promise.all([
      producer.set(`${prefix}:a`, '1'),
      producer.incr(`${prefix}:a`),
      producer.set(`${prefix}:b`, 'x'),
    ]);
    const queued = producer.autoPipelineQueueSize;

    expect(queued).toBe(3);
    expect(await replies).toEqual(['OK', 2, 'OK']);
  });

  it('when a consumer issues a blocking command, then it is sent on its own and the others still batch', async () => {
    await consumer.set(`${prefix}:c`, 'v');

    const replies = Promise.all([
      consumer.bzpopmin(`${prefix}:z`, 0.01),
      consumer.get(`${prefix}:c`),
      consumer.exists(`${prefix}:c`),
    ]);
    const queued = consumer.autoPipelineQueueSize;

    expect(queued).toBe(2);
    expect(await replies).toEqual([null, 'v', 1]);
  });

  it('when a duplicate is made (as BullMQ does for its blocking connection), then it keeps the same settings', () => {
    const copy = consumer.duplicate();

    expect(copy.options.enableAutoPipelining).toBe(true);
    expect(copy.options.autoPipeliningIgnoredCommands).toContain('bzpopmin');
    copy.disconnect();
  });

  it('when a client-profile connection issues commands, then each goes on its own', async () => {
    await client.set(`${prefix}:d`, 'w');

    const replies = Promise.all([client.get(`${prefix}:d`), client.exists(`${prefix}:d`)]);
    const queued = client.autoPipelineQueueSize;

    expect(queued).toBe(0);
    expect(await replies).toEqual(['w', 1]);
  });
});
