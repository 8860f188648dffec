import { hostname } from 'node:os';
import type { Insertable } from 'kysely';
import type { Keyspace, Logger, RedisClient } from '@wechat-dispatch/shared';
import { decodeRecord } from '../records/record-codec';
import { rowOf, positionOf, isAfter, type ChangePosition } from './archive-row';
import type { ArchiveWriter } from './archive-writer';
import type { ArchivedMessageTable } from './archive-tables';
import { changeStreamKey } from './change-stream-key';

/** Options of {@link ChangeArchiver}. */
export interface ChangeArchiverOptions {
  /** A connection of its own: the archiver blocks on it while the stream is empty. */
  redis: RedisClient;
  keyspace: Keyspace;
  writer: ArchiveWriter;
  logger: Logger;
  /** Changes read and written per batch. @defaultValue 1000 */
  batchSize?: number;
  /** How long one read waits for changes. @defaultValue 1000 */
  blockMs?: number;
  /** How long a failed write waits before it is tried again, doubling up to 10 times. @defaultValue 200 */
  retryMs?: number;
  /** A change another archiver read and has not finished after this long is taken over. @defaultValue 60000 */
  takeOverMs?: number;
  /** Called after each written batch with the number of changes. */
  onArchived?: (changes: number) => void;
  /** Called when a write fails (the batch is kept and tried again). */
  onWriteFailed?: () => void;
}

/** The consumer group every archiver reads the change stream in. */
export const ARCHIVER_GROUP = 'archiver';

type StreamEntry = [id: string, fields: string[]];
type StreamAnswer = Array<[key: string, entries: StreamEntry[]]> | null;

/**
 * Moves record changes from the Redis change stream into the archive, off the send path: reads
 * a batch in the `archiver` consumer group, reads each changed record as it is now, writes the
 * rows in one statement and only then acknowledges and deletes the entries. While the archive is
 * down, the batch is tried again and the stream keeps the rest (bounded: archive-change.lua), so
 * nothing is lost and the archive catches up. Several archivers (worker replicas) share the
 * group; entries of one that died are taken over after `takeOverMs`.
 */
export class ChangeArchiver {
  private readonly key: string;
  private readonly consumer = `${hostname()}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  private running = false;
  private loop: Promise<void> | undefined;
  private lastTakeOver = 0;

  constructor(private readonly options: ChangeArchiverOptions) {
    this.key = changeStreamKey(options.keyspace);
  }

  /** Starts reading (creating the group, from the stream's start, when there is none). */
  async start(): Promise<void> {
    await this.ensureGroup();
    this.running = true;
    this.loop = this.run();
  }

  /** Stops after the batch in hand is written (or given up on, to be read again later). */
  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  /** The number of changes waiting in the stream (written entries are deleted). */
  async waiting(): Promise<number> {
    return this.options.redis.xlen(this.key);
  }

  /** Reads and writes one batch; answers how many changes it archived. For tests and the loop. */
  async drainOnce(blockMs = 0): Promise<number> {
    const entries = await this.readBatch(blockMs);
    if (entries.length === 0) {
      return 0;
    }
    await this.archive(entries);
    return entries.length;
  }

  private async run(): Promise<void> {
    const blockMs = this.options.blockMs ?? 1000;
    while (this.running) {
      try {
        await this.drainOnce(blockMs);
      } catch (error) {
        this.options.logger.warn('archiver: reading the change stream failed', {
          error: String(error),
        });
        await delay(this.options.retryMs ?? 200);
      }
    }
  }

  private async ensureGroup(): Promise<void> {
    try {
      await this.options.redis.xgroup('CREATE', this.key, ARCHIVER_GROUP, '0', 'MKSTREAM');
    } catch (error) {
      if (!String(error).includes('BUSYGROUP')) {
        throw error;
      }
    }
  }

  /** This consumer's unfinished entries first, then one taken over, then new ones. */
  private async readBatch(blockMs: number): Promise<StreamEntry[]> {
    const count = this.options.batchSize ?? 1000;
    const own = await this.read(count, '0', 0);
    if (own.length > 0) {
      return own;
    }
    const taken = await this.takeOver(count);
    if (taken.length > 0) {
      return taken;
    }
    return this.read(count, '>', blockMs);
  }

  private async read(count: number, from: string, blockMs: number): Promise<StreamEntry[]> {
    const { redis } = this.options;
    const answer = (await (blockMs > 0
      ? redis.xreadgroup(
          'GROUP',
          ARCHIVER_GROUP,
          this.consumer,
          'COUNT',
          count,
          'BLOCK',
          blockMs,
          'STREAMS',
          this.key,
          from,
        )
      : redis.xreadgroup(
          'GROUP',
          ARCHIVER_GROUP,
          this.consumer,
          'COUNT',
          count,
          'STREAMS',
          this.key,
          from,
        ))) as StreamAnswer;
    return answer?.[0]?.[1] ?? [];
  }

  private async takeOver(count: number): Promise<StreamEntry[]> {
    const takeOverMs = this.options.takeOverMs ?? 60_000;
    if (Date.now() - this.lastTakeOver < takeOverMs / 2) {
      return [];
    }
    this.lastTakeOver = Date.now();
    const answer = (await this.options.redis.xautoclaim(
      this.key,
      ARCHIVER_GROUP,
      this.consumer,
      takeOverMs,
      '0',
      'COUNT',
      count,
    )) as [string, StreamEntry[]];
    return (answer[1] ?? []).filter((entry) => entry !== null && entry[1] !== null);
  }

  /** Writes the batch (retrying until it is written or the archiver stops), then acknowledges. */
  private async archive(entries: StreamEntry[]): Promise<void> {
    const latest = latestChanges(entries);
    const rows = await this.rowsOf(latest);
    let wait = this.options.retryMs ?? 200;
    for (;;) {
      try {
        await this.options.writer.write(rows);
        break;
      } catch (error) {
        this.options.onWriteFailed?.();
        this.options.logger.warn(
          'archiver: writing to the archive failed; the changes wait in Redis',
          {
            error: String(error),
            changes: entries.length,
          },
        );
        if (!this.running) {
          // Left pending: read again by this consumer's next start, or taken over.
          throw error;
        }
        await delay(wait);
        wait = Math.min(wait * 2, (this.options.retryMs ?? 200) * 1024, 5000);
      }
    }
    const ids = entries.map(([id]) => id);
    await this.options.redis
      .multi()
      .xack(this.key, ARCHIVER_GROUP, ...ids)
      .xdel(this.key, ...ids)
      .exec();
    this.options.onArchived?.(entries.length);
  }

  /** Each changed record as it is now, with the position of its newest change in the batch. */
  private async rowsOf(
    latest: Map<string, ChangePosition>,
  ): Promise<Array<Insertable<ArchivedMessageTable>>> {
    const keys = [...latest.keys()];
    const pipeline = this.options.redis.pipeline();
    for (const key of keys) {
      pipeline.hgetall(key);
    }
    const answers = (await pipeline.exec()) ?? [];
    const rows: Array<Insertable<ArchivedMessageTable>> = [];
    answers.forEach(([error, hash], i) => {
      if (error) {
        throw error;
      }
      const fields = hash as Record<string, string>;
      // A record that expired before it was archived has nothing left to write.
      if (fields.id === undefined || fields.createdAt === undefined) {
        return;
      }
      rows.push(rowOf(decodeRecord(fields).record, latest.get(keys[i]!)!));
    });
    return rows;
  }
}

/** Per record key, the position of its newest change among `entries`. */
export function latestChanges(entries: readonly StreamEntry[]): Map<string, ChangePosition> {
  const latest = new Map<string, ChangePosition>();
  for (const [id, fields] of entries) {
    const key = fieldOf(fields, 'key');
    if (key === undefined) {
      continue;
    }
    const position = positionOf(id);
    const known = latest.get(key);
    if (known === undefined || isAfter(position, known)) {
      latest.set(key, position);
    }
  }
  return latest;
}

function fieldOf(fields: readonly string[], name: string): string | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) {
    if (fields[i] === name) {
      return fields[i + 1];
    }
  }
  return undefined;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
