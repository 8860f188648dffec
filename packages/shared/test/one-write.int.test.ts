import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { TEST_REDIS_URL, uniquePrefix } from '@wechat-dispatch/testkit';
import { inOneWrite } from '../src/redis/socket-writes';

/** Counts the writes that reach the socket's handle: one per syscall batch. */
function countWrites(socket: Socket): { writes: number; restore(): void } {
  const target = socket as unknown as Record<'_write' | '_writev', (...args: unknown[]) => void>;
  const original = { write: target._write, writev: target._writev };
  const counter = {
    writes: 0,
    restore() {
      target._write = original.write;
      target._writev = original.writev;
    },
  };
  target._write = function (...args: unknown[]) {
    counter.writes += 1;
    original.write.apply(this, args);
  };
  target._writev = function (...args: unknown[]) {
    counter.writes += 1;
    original.writev.apply(this, args);
  };
  return counter;
}

describe('inOneWrite', () => {
  let redis: Redis;
  const prefix = uniquePrefix('one-write');

  beforeAll(async () => {
    redis = new Redis(TEST_REDIS_URL);
    await redis.ping();
  });

  afterAll(async () => {
    await redis.del(`${prefix}:a`, `${prefix}:b`, `${prefix}:c`);
    await redis.quit();
  });

  it('when three commands are sent inside it, then they leave in one write and all three are answered in order', async () => {
    const counter = countWrites(redis.stream);

    const replies = await inOneWrite(redis, () =>
      Promise.all([
        redis.set(`${prefix}:a`, '1'),
        redis.incr(`${prefix}:a`),
        redis.set(`${prefix}:b`, 'x'),
      ]),
    );
    counter.restore();

    expect(counter.writes).toBe(1);
    expect(replies).toEqual(['OK', 2, 'OK']);
  });

  it('when commands are sent without it, then each leaves in its own write (what it saves)', async () => {
    const counter = countWrites(redis.stream);

    await Promise.all([redis.set(`${prefix}:c`, '1'), redis.incr(`${prefix}:c`)]);
    counter.restore();

    expect(counter.writes).toBe(2);
  });

  it('when the client has no socket of its own (a Cluster), then it just runs the sends', () => {
    expect(inOneWrite({}, () => 42)).toBe(42);
  });
});
