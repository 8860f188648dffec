import type { Keyspace, Logger, RedisClient } from '@wechat-dispatch/shared';
import { openArchiveDatabase, type ArchiveDatabase } from './archive-database';
import { dropExpiredPartitions } from './archive-partitions';
import { ArchiveSearch } from './archive-search';
import { ArchiveWriter } from './archive-writer';
import { ChangeArchiver } from './change-archiver';

/** Options of {@link startArchive}. */
export interface StartArchiveOptions {
  /** `DATABASE_URL`, else the embedded directory; neither = no archive (answers undefined). */
  databaseUrl?: string;
  embeddedDir?: string;
  retentionDays: number;
  /** Run an archiver in this process. */
  runArchiver: boolean;
  /** A connection of the archiver's own (it blocks on it); needed with `runArchiver`. */
  archiverRedis?: RedisClient;
  keyspace: Keyspace;
  /**
   * Every shard's keyspace (`SEND_SHARDS`), shard 0's first: one archiver per shard's change
   * stream, each blocking on a connection of its own. @defaultValue `[keyspace]`
   */
  shardKeyspaces?: readonly Keyspace[];
  logger: Logger;
  /** How often retention drops expired partitions. @defaultValue one hour */
  retentionEveryMs?: number;
  onArchived?: (changes: number) => void;
  onWriteFailed?: () => void;
}

/** An open archive: its queries, its archiver when this process runs one, and how to stop. */
export interface RunningArchive {
  database: ArchiveDatabase;
  search: ArchiveSearch;
  /** Shard 0's archiver. */
  archiver?: ChangeArchiver;
  /** Every shard's archiver, shard k at index k. */
  archivers?: ChangeArchiver[];
  close(): Promise<void>;
}

/**
 * Opens the archive (migrating its schema) and, with `runArchiver`, starts the archiver and the
 * retention that drops partitions older than `retentionDays`.
 * @throws Error when the database cannot be opened
 */
export async function startArchive(
  options: StartArchiveOptions,
): Promise<RunningArchive | undefined> {
  const location =
    options.databaseUrl !== undefined
      ? { databaseUrl: options.databaseUrl }
      : options.embeddedDir !== undefined
        ? { embeddedDir: options.embeddedDir }
        : undefined;
  if (!location) {
    return undefined;
  }
  const database = await openArchiveDatabase(location);
  const search = new ArchiveSearch(database.db);
  if (!options.runArchiver || !options.archiverRedis) {
    return { database, search, close: () => database.close() };
  }
  const writer = new ArchiveWriter(database.db);
  const { archiverRedis } = options;
  const keyspaces = options.shardKeyspaces ?? [options.keyspace];
  // A blocking read holds its connection: shards 1.. get a duplicate each.
  const connections = keyspaces.map((_, shard) =>
    shard === 0 ? archiverRedis : archiverRedis.duplicate(),
  );
  const archivers = keyspaces.map(
    (keyspace, shard) =>
      new ChangeArchiver({
        redis: connections[shard]!,
        keyspace,
        writer,
        logger: options.logger,
        onArchived: options.onArchived,
        onWriteFailed: options.onWriteFailed,
      }),
  );
  await Promise.all(archivers.map((archiver) => archiver.start()));
  const archiver = archivers[0]!;
  const retain = () =>
    dropExpiredPartitions(database.db, options.retentionDays).then(
      (dropped) => {
        if (dropped.length > 0) {
          writer.forgetPartitions();
          options.logger.info('archive retention dropped partitions', { dropped });
        }
      },
      (error: unknown) => options.logger.warn('archive retention failed', { error: String(error) }),
    );
  void retain();
  const timer = setInterval(() => void retain(), options.retentionEveryMs ?? 3600_000);
  timer.unref();
  return {
    database,
    search,
    archiver,
    archivers,
    close: async () => {
      clearInterval(timer);
      await Promise.all(archivers.map((each) => each.stop()));
      await Promise.all(connections.slice(1).map((connection) => connection.quit()));
      await database.close();
    },
  };
}
