import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import {
  TEST_REDIS_URL,
  startPrivateRedis,
  uniquePrefix,
  type PrivateRedis,
} from '@wechat-dispatch/testkit';
import { keySlot } from '../src/sharding/key-slot';
import { crc32, shardOfApp } from '../src/sharding/app-shard';
import { partOfSlot, shardTag, slotRangeOf } from '../src/sharding/shard-tags';
import { SendShards, ShardCountMismatchError, checkShardCount } from '../src/sharding/send-shards';

describe('the slot of a key, against Redis Cluster', () => {
  let node: PrivateRedis;
  let redis: Redis;

  beforeAll(async () => {
    // A cluster-enabled node answers CLUSTER KEYSLOT without owning any slot.
    node = await startPrivateRedis({ args: ['--cluster-enabled', 'yes'] });
    redis = new Redis(node.url);
  });

  afterAll(async () => {
    redis?.disconnect();
    await node?.destroy();
  });

  it('when keys with and without hash tags are hashed, then every slot is what CLUSTER KEYSLOT answers', async () => {
    const keys = [
      'foo',
      '{wxd}:msg:m1',
      '{wxd:1}:send:wait',
      'a{}b',
      '{}{x}',
      'x{y',
      '{user1000}.following',
      '微信{键}',
      ...Array.from({ length: 200 }, (_, i) => `{p${i}:${(i * 37).toString(36)}}:k`),
    ];

    const expected = await Promise.all(
      keys.map((key) => redis.call('CLUSTER', 'KEYSLOT', key) as Promise<number>),
    );

    expect(keys.map(keySlot)).toEqual(expected);
  });

  it('when 1..64 shards are laid out, then each shard k >= 1 lies in its own equal part and together they cover every part once', async () => {
    for (const prefix of ['wxd', 'other-prefix']) {
      for (let count = 1; count <= 64; count++) {
        const parts = Array.from({ length: count }, (_, k) => {
          const slot = keySlot(`{${shardTag(prefix, k, count)}}`);
          return partOfSlot(slot, count);
        });
        expect(new Set(parts).size).toBe(count);
      }
    }
    const tag = shardTag('wxd', 3, 6);
    const slot = (await redis.call('CLUSTER', 'KEYSLOT', `{${tag}}:send:wait`)) as number;
    const { first, last } = slotRangeOf(partOfSlot(slot, 6), 6);
    expect(slot).toBeGreaterThanOrEqual(first);
    expect(slot).toBeLessThanOrEqual(last);
  });
});

describe('shards of apps', () => {
  it('when SEND_SHARDS is 1, then every key keeps the one {prefix} tag', () => {
    const shards = new SendShards('wxd', 1);

    expect(shards.keyspaces.map((k) => k.root)).toEqual(['{wxd}']);
    expect(shards.keyspaceOf('wx-any-app').key('msg', 'm1')).toBe('{wxd}:msg:m1');
  });

  it('when 100 apps are spread over 6 shards, then the shard is CRC-32 mod 6 and every shard gets some', () => {
    const appIds = Array.from({ length: 100 }, (_, i) => `wxapp${String(i).padStart(13, '0')}`);
    const shards = appIds.map((id) => shardOfApp(id, 6));

    expect(crc32('123456789')).toBe(0xcbf43926);
    expect(shards).toEqual(appIds.map((id) => crc32(id) % 6));
    expect(new Set(shards).size).toBe(6);
  });
});

describe('checkShardCount', () => {
  let redis: Redis;

  beforeAll(() => {
    redis = new Redis(TEST_REDIS_URL);
  });

  afterAll(() => redis?.disconnect());

  it('when a start records a count, then the same count starts again and another is refused naming SEND_SHARDS', async () => {
    const prefix = uniquePrefix('shards');

    await checkShardCount(redis, new SendShards(prefix, 3));
    await checkShardCount(redis, new SendShards(prefix, 3));
    const refusal = checkShardCount(redis, new SendShards(prefix, 4));

    await expect(refusal).rejects.toBeInstanceOf(ShardCountMismatchError);
    await expect(refusal).rejects.toThrow(/^SEND_SHARDS=4 differs from 3/);
    expect(await redis.get(`{${prefix}}:config:send-shards`)).toBe('3');
    await redis.del(`{${prefix}}:config:send-shards`);
  });
});
