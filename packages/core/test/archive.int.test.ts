import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { Keyspace, createLogger } from '@wechat-dispatch/shared';
import {
  TEST_REDIS_URL,
  createTestDatabase,
  uniquePrefix,
  type TestDatabase,
} from '@wechat-dispatch/testkit';
import {
  ARCHIVER_GROUP,
  ArchiveSearch,
  ArchiveWriter,
  ChangeArchiver,
  changeStreamKey,
  listPartitions,
  dropExpiredPartitions,
  openArchiveDatabase,
  type ArchiveDatabase,
} from '../src/archive';
import { RecordBatch } from '../src/records/record-batch';
import { RecordStore } from '../src/records/record-store';
import { dropKeyspace, newRecord, testMessage as message } from './helpers/test-records';

const logger = createLogger({ service: 'test', level: 'error' });

/** The same suite against a real PostgreSQL and against the embedded PGlite. */
describe.each([['postgres'], ['embedded']] as const)('the archive (%s)', (kind) => {
  const keyspace = new Keyspace(uniquePrefix('archive'));
  let redis: Redis;
  let reader: Redis;
  let database: TestDatabase | undefined;
  let embeddedDir: string | undefined;
  let archive: ArchiveDatabase;
  let records: RecordStore;
  let batch: RecordBatch;
  let archiver: ChangeArchiver;
  let search: ArchiveSearch;

  beforeAll(async () => {
    redis = new Redis(TEST_REDIS_URL);
    reader = new Redis(TEST_REDIS_URL);
    if (kind === 'postgres') {
      database = await createTestDatabase('archive');
      archive = await openArchiveDatabase({ databaseUrl: database.url });
    } else {
      embeddedDir = mkdtempSync(join(tmpdir(), 'wxd-archive-'));
      archive = await openArchiveDatabase({ embeddedDir });
    }
    const options = { redis, keyspace, ttlSeconds: 60, archiveChanges: true };
    records = new RecordStore(options);
    batch = new RecordBatch(options);
    archiver = new ChangeArchiver({
      redis: reader,
      keyspace,
      writer: new ArchiveWriter(archive.db),
      logger,
    });
    await archiver.start();
    await archiver.stop();
    search = new ArchiveSearch(archive.db);
  });

  afterAll(async () => {
    await archive.close();
    await database?.drop();
    if (embeddedDir) rmSync(embeddedDir, { recursive: true, force: true });
    await reader.quit();
    await dropKeyspace(redis, keyspace);
  });

  async function drainAll(): Promise<void> {
    while ((await archiver.drainOnce()) > 0) {
      // until the stream has nothing left for this consumer
    }
  }

  it('when records are created and change status, then the archive holds each one once in its latest status, and the stream is emptied', async () => {
    const a = newRecord({ toUser: 'oAlice', metadata: { orderId: '42' } });
    const b = newRecord({ toUser: 'oBob', metadata: { orderId: 43 } });
    await batch.createMissing([
      { record: a, message },
      { record: b, message },
    ]);
    await records.transition(a.id, {
      from: ['queued'],
      to: 'sending',
      event: { event: 'sending' },
      appId: 'wx1',
    });
    await records.transition(a.id, {
      from: ['sending'],
      to: 'sent',
      set: { wechatMsgId: '123' },
      event: { event: 'sent' },
      appId: 'wx1',
    });

    await drainAll();

    expect(await archiver.waiting()).toBe(0);
    expect(await search.get(a.id)).toMatchObject({ id: a.id, status: 'sent', wechatMsgId: '123' });
    expect(await search.get(b.id)).toMatchObject({ id: b.id, status: 'queued' });
    const byUser = await search.search({ toUser: 'oAlice' }, 10);
    expect(byUser.items.map((r) => r.id)).toEqual([a.id]);
    expect(
      (await search.search({ metadata: { orderId: '43' } }, 10)).items.map((r) => r.id),
    ).toEqual([b.id]);
    expect(
      (await search.search({ metadata: { orderId: '42' } }, 10)).items.map((r) => r.id),
    ).toEqual([a.id]);
  });

  it('when the whole change stream is replayed, then no row changes and none is added', async () => {
    const c = newRecord({ toUser: 'oCarol' });
    await batch.createMissing([{ record: c, message }]);
    await records.transition(c.id, {
      from: ['queued'],
      to: 'cancelled',
      event: { event: 'cancelled' },
      appId: 'wx1',
    });
    // Keep a copy of every entry so the stream can be replayed after the archiver deleted them.
    const key = changeStreamKey(keyspace);
    const entries = (await redis.xrange(key, '-', '+')) as Array<[string, string[]]>;
    await drainAll();
    const before = await archive.db
      .selectFrom('archived_messages')
      .selectAll()
      .orderBy('id')
      .execute();

    for (const [id, fields] of entries) {
      expect(id).toMatch(/^\d+-\d+$/);
      await redis.xadd(key, '*', ...fields);
    }
    // Re-reading every change, old ones included, from the stream's start.
    await redis.xgroup('SETID', key, ARCHIVER_GROUP, '0');
    await drainAll();
    const after = await archive.db
      .selectFrom('archived_messages')
      .selectAll()
      .orderBy('id')
      .execute();

    expect(after).toEqual(before);
    expect(after.length).toBe(before.length);
  });

  it('when an older change is written after a newer one, then the row keeps the newer state', async () => {
    const writer = new ArchiveWriter(archive.db);
    const d = newRecord({ toUser: 'oDan' });
    const row = (status: string, ms: string) => ({
      id: d.id,
      created_at: d.createdAt,
      updated_at: d.updatedAt,
      app_id: 'wx1',
      caller: 'orders',
      to_user: 'oDan',
      template_id: 'TPL',
      type: 'template',
      status,
      errcode: null,
      metadata: null,
      record: JSON.stringify({ ...d, status, history: [] }),
      change_ms: ms,
      change_seq: '0',
    });
    await writer.write([row('sent', '2000')]);
    await writer.write([row('queued', '1000')]);

    expect(await search.get(d.id)).toMatchObject({ status: 'sent' });
  });

  it('when the Redis record has expired, then the archive still answers it by id', async () => {
    const e = newRecord({ toUser: 'oEve' });
    await batch.createMissing([{ record: e, message }]);
    await drainAll();
    await redis.del(records.recordKey(e.id));

    expect(await records.get(e.id)).toBeUndefined();
    expect(await search.get(e.id)).toMatchObject({ id: e.id, toUser: 'oEve' });
  });

  it('when searching by status, caller scope and time range, then exactly the matching records come back newest first, in pages', async () => {
    const base = Date.UTC(2024, 0, 15);
    const made = Array.from({ length: 5 }, (_, i) =>
      newRecord({
        toUser: 'oRange',
        appId: i % 2 === 0 ? 'wx1' : 'wx2',
        createdAt: new Date(base + i * 86_400_000).toISOString(),
        updatedAt: new Date(base + i * 86_400_000).toISOString(),
      }),
    );
    await batch.createMissing(made.map((record) => ({ record, message })));
    await drainAll();

    const inRange = await search.search(
      {
        toUser: 'oRange',
        status: 'queued',
        from: new Date(base + 86_400_000),
        to: new Date(base + 4 * 86_400_000),
      },
      10,
    );
    expect(inRange.items.map((r) => r.id)).toEqual([made[3]!.id, made[2]!.id, made[1]!.id]);

    const scoped = await search.search({ toUser: 'oRange', appIds: ['wx2'] }, 10);
    expect(scoped.items.map((r) => r.id)).toEqual([made[3]!.id, made[1]!.id]);

    const first = await search.search({ toUser: 'oRange' }, 2);
    const second = await search.search({ toUser: 'oRange' }, 2, first.next);
    const third = await search.search({ toUser: 'oRange' }, 2, second.next);
    expect([...first.items, ...second.items, ...third.items].map((r) => r.id)).toEqual(
      [...made].reverse().map((r) => r.id),
    );
    expect(third.next).toBeUndefined();

    const stats = await search.stats({ toUser: 'oRange' }, 'day');
    expect(stats.map((group) => group.key)).toEqual([
      '2024-01-15',
      '2024-01-16',
      '2024-01-17',
      '2024-01-18',
      '2024-01-19',
    ]);
    expect(stats[0]).toMatchObject({ total: 1, counts: { queued: 1, sent: 0 } });
  });

  it('when retention passes a month, then its partition is dropped and newer ones stay', async () => {
    const before = await listPartitions(archive.db);
    expect(before).toContain('archived_messages_y2024m01');

    const dropped = await dropExpiredPartitions(archive.db, 10, new Date(Date.UTC(2024, 1, 11)));

    expect(dropped).toEqual(['archived_messages_y2024m01']);
    expect(await listPartitions(archive.db)).toEqual(
      before.filter((name) => name !== 'archived_messages_y2024m01'),
    );
  });
});
