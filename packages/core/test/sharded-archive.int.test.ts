import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { SendShards, createLogger } from '@wechat-dispatch/shared';
import {
  TEST_REDIS_URL,
  createTestDatabase,
  uniquePrefix,
  waitFor,
  type TestDatabase,
} from '@wechat-dispatch/testkit';
import { startArchive, type RunningArchive } from '../src/archive';
import { newMessageId } from '../src/messages/message-id';
import { RecordBatch } from '../src/records/record-batch';
import { newRecord, testMessage as message } from './helpers/test-records';

const logger = createLogger({ service: 'test', level: 'error' });

describe('the archive with SEND_SHARDS=3', () => {
  const shards = new SendShards(uniquePrefix('sharch'), 3);
  let redis: Redis;
  let archiverRedis: Redis;
  let database: TestDatabase;
  let archive: RunningArchive;

  beforeAll(async () => {
    redis = new Redis(TEST_REDIS_URL);
    archiverRedis = new Redis(TEST_REDIS_URL);
    database = await createTestDatabase('sharded_archive');
    archive = (await startArchive({
      databaseUrl: database.url,
      retentionDays: 30,
      runArchiver: true,
      archiverRedis,
      keyspace: shards.global,
      shardKeyspaces: shards.keyspaces,
      logger,
    }))!;
  });

  afterAll(async () => {
    await archive?.close();
    await archiverRedis?.quit();
    await database?.drop();
    for (const keyspace of shards.keyspaces) {
      const keys = await redis.keys(`${keyspace.root}*`);
      if (keys.length > 0) await redis.del(...keys);
    }
    await redis.quit();
  });

  it('when records are created in every shard, then one archiver per shard stream brings each into the archive', async () => {
    const ids = await Promise.all(
      shards.keyspaces.map(async (keyspace, shard) => {
        const record = newRecord({ id: newMessageId(Date.now(), shard) });
        const batch = new RecordBatch({ redis, keyspace, ttlSeconds: 60, archiveChanges: true });
        await batch.createMissing([{ record, message }]);
        return record.id;
      }),
    );

    const archived = await waitFor(
      async () => {
        const rows = await Promise.all(ids.map((id) => archive.search.get(id)));
        return rows.every((row) => row !== undefined) ? rows : undefined;
      },
      { description: 'a record of each shard in the archive' },
    );

    expect(archive.archivers).toHaveLength(3);
    expect(archived.map((row) => row?.id)).toEqual(ids);
  });
});
