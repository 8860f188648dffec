import { join } from 'node:path';
import type { Queue } from 'bullmq';
import {
  bindScript,
  luaScript,
  type BoundScript,
  type Keyspace,
  type RedisClient,
} from '@wechat-dispatch/shared';
import {
  callerDeadIndexKey,
  callerDeadIndexPrefix,
  callerIndexReadyKey,
  deadIndexKey,
} from './dead-index';
import { appKeys } from '../apps/app-keys';
import { JOB_NAMES, type SendJob } from '../jobs/queues';
import type { RecordStore } from '../records/record-store';
import type { DeliveryRecord } from '../records/record.schema';

/** What the dead-letter queue's job carries (shown in Bull Board). */
export interface DeadLetterJob {
  messageId: string;
  appId: string;
  errcode: number;
  errmsg: string;
  traceId: string;
  deadAt: string;
}

/** One page of dead letters, newest first. */
export interface DeadLetterPage {
  items: DeliveryRecord[];
  nextCursor: string | null;
  /**
   * Each item's place in the listing's order, as a cursor (what a merge of several shards'
   * pages sorts by; see {@link compareDeadLetterCursors}). Never part of an API answer.
   */
  positions?: string[];
}

/** How a redrive ended. */
export type RedriveResult =
  { ok: true } | { ok: false; reason: 'not_found' | 'not_dead'; status?: DeliveryRecord['status'] };

/** Dependencies of {@link DeadLetterStore}. */
export interface DeadLetterStoreOptions {
  redis: RedisClient;
  keyspace: Keyspace;
  records: RecordStore;
  /** The `dead-letters` BullMQ queue (nobody consumes it; it is there to be seen). */
  deadLetterQueue: Queue<DeadLetterJob>;
  /** The send queue, where a redriven message goes again. */
  sendQueue: Queue<SendJob>;
}

const BURY = luaScript(join(__dirname, 'bury.lua'));
const REDRIVE = luaScript(join(__dirname, 'redrive.lua'));
const FIND_UNFILED = luaScript(join(__dirname, 'find-unfiled.lua'));
const BACKFILL = luaScript(join(__dirname, 'backfill-caller-index.lua'));

/** Entries of the all-apps index one backfill script call files. */
const BACKFILL_SLICE = 500;

/** What a listing pages through: one app's or every app's dead letters, or one caller's. */
export interface DeadLetterListQuery {
  appId?: string;
  /** Page this caller's index (its own dead letters only); with `appId`, filtered to that app. */
  caller?: string;
  limit?: number;
  cursor?: string;
}

const MAX_PAGE = 500;
/** Dead letters filed in the same millisecond that a page boundary may have to skip over. */
const MAX_TIES = 1000;

/**
 * Dead letters: messages whose send failed for good. Each one is a record in status `dead`, an
 * entry in time indexes (all apps, its app's, its caller's) for paging, and a job in the
 * `dead-letters` queue so Bull Board shows it. Redrive gives the message a fresh attempt budget exactly once:
 * the record's `dead → queued` transition is atomic, so a second redrive finds it `queued`.
 */
export class DeadLetterStore {
  private readonly buryScript: BoundScript;
  private readonly backfillScript: BoundScript;
  private readonly redriveScript: BoundScript;
  private readonly findUnfiledScript: BoundScript;
  private callerIndexReady = false;

  constructor(private readonly options: DeadLetterStoreOptions) {
    this.buryScript = bindScript(options.redis, BURY);
    this.backfillScript = bindScript(options.redis, BACKFILL);
    this.redriveScript = bindScript(options.redis, REDRIVE);
    this.findUnfiledScript = bindScript(options.redis, FIND_UNFILED);
  }

  private indexKey(appId?: string): string {
    return deadIndexKey(this.options.keyspace, appId);
  }

  /**
   * Files a message the worker has just marked `dead` (its record says whose it is).
   * Idempotent; a message redriven meanwhile is not filed.
   */
  async bury(job: DeadLetterJob): Promise<void> {
    const filed = await this.file(job.messageId, job.appId, Date.parse(job.deadAt));
    if (!filed) {
      return;
    }
    await this.options.deadLetterQueue.add(JOB_NAMES.deadLetter, job, {
      jobId: job.messageId,
      removeOnComplete: true,
      removeOnFail: true,
    });
  }

  /** bury.lua: the record into the three indexes if it says `dead`; true when filed. */
  private async file(messageId: string, appId: string, deadAtMs: number): Promise<boolean> {
    const { keyspace, records } = this.options;
    const filed = await this.buryScript.run(
      [
        records.recordKey(messageId),
        this.indexKey(),
        this.indexKey(appId),
        callerDeadIndexPrefix(keyspace),
      ],
      [deadAtMs, messageId, records.ttlSeconds],
    );
    return filed === 1;
  }

  /**
   * Dead letters newest first. `cursor` is the opaque `nextCursor` of the previous page; it
   * names the last item seen (time and id), so deaths filed meanwhile never shift a page.
   * Entries whose record has expired are dropped from the index on the way.
   */
  async list(query: DeadLetterListQuery): Promise<DeadLetterPage> {
    const limit = Math.min(Math.max(query.limit ?? 50, 1), MAX_PAGE);
    if (query.caller !== undefined) {
      await this.ensureCallerIndexes();
    }
    const index =
      query.caller === undefined
        ? this.indexKey(query.appId)
        : callerDeadIndexKey(this.options.keyspace, query.caller);
    const after = decodeCursor(query.cursor);
    // Ties on the score are ordered by id (reverse), so skip up to and including the cursor's id.
    const raw = await this.options.redis.zrevrangebyscore(
      index,
      after ? after.score : '+inf',
      '-inf',
      'WITHSCORES',
      'LIMIT',
      0,
      limit + 1 + (after ? MAX_TIES : 0),
    );
    const entries: Array<{ id: string; score: number }> = [];
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const id = raw[i] as string;
      const score = Number(raw[i + 1]);
      if (after && score === after.score && id >= after.id) {
        continue;
      }
      entries.push({ id, score });
    }
    const page = entries.slice(0, limit);
    const records = await Promise.all(page.map((e) => this.options.records.get(e.id)));
    const items: DeliveryRecord[] = [];
    const positions: string[] = [];
    const gone: string[] = [];
    const appOnly = query.caller !== undefined ? query.appId : undefined;
    records.forEach((record, i) => {
      if (record?.status === 'dead' && (appOnly === undefined || record.appId === appOnly)) {
        items.push(record);
        positions.push(encodeCursor(page[i]!));
      } else if (!record) {
        gone.push(page[i]!.id);
      }
    });
    if (gone.length > 0) {
      await this.options.redis.zrem(index, ...gone);
    }
    const last = page[page.length - 1];
    const nextCursor = entries.length > limit && last ? encodeCursor(last) : null;
    return { items, nextCursor, positions };
  }

  /**
   * Sends a dead message again with a fresh attempt budget. The decision is one script
   * (redrive.lua: `dead → queued`, the redrive count, out of every dead-letter index), so of
   * concurrent redrives exactly one wins and only the winner touches the queues: it adds the
   * send job (id {@link redriveJobId}, new for every redrive, so the failed job of the last run
   * never shadows it) and then removes the jobs of the previous run, which nothing needs any
   * more. Losers answer `not_dead` with the status the winner left.
   */
  async redrive(
    messageId: string,
    by: { caller: string; traceId: string },
  ): Promise<RedriveResult> {
    const { keyspace, records, sendQueue } = this.options;
    const record = await records.get(messageId);
    if (!record) {
      return { ok: false, reason: 'not_found' };
    }
    if (record.status !== 'dead') {
      return { ok: false, reason: 'not_dead', status: record.status };
    }
    const { appId } = record;
    const app = appKeys(keyspace, appId);
    const at = new Date().toISOString();
    const history = JSON.stringify({ at, event: 'redriven', caller: by.caller });
    const [code, second, redrives] = (await this.redriveScript.run(
      [
        records.recordKey(messageId),
        app.pending,
        app.rank,
        this.indexKey(),
        this.indexKey(appId),
        callerDeadIndexPrefix(keyspace),
      ],
      [at, history, records.historyCap, records.ttlSeconds, messageId],
    )) as [number, string | number | null, number?];
    if (code !== 1) {
      return code === 0
        ? { ok: false, reason: 'not_dead', status: second as DeliveryRecord['status'] }
        : { ok: false, reason: 'not_found' };
    }
    const jobId = redriveJobId(messageId, Number(redrives));
    try {
      await sendQueue.add(
        JOB_NAMES.sendMessage,
        { messageId, appId, traceId: by.traceId },
        { jobId, priority: typeof second === 'number' ? second : 1 },
      );
    } catch (err) {
      await records
        .transition(messageId, {
          from: ['queued'],
          to: 'dead',
          event: { event: 'redrive_failed' },
          appId,
        })
        .then((back) => (back.ok ? this.file(messageId, appId, Date.now()) : undefined))
        .catch(() => undefined);
      throw err;
    }
    // The previous run's jobs: a failed send job still locked by its worker stays until its
    // age limit (removeOnFail); nothing reads it.
    const previous = redriveJobId(messageId, Number(redrives) - 1);
    await Promise.all([
      sendQueue.remove(previous).catch(() => 0),
      this.options.deadLetterQueue.remove(messageId).catch(() => 0),
    ]);
    return { ok: true };
  }

  /**
   * Files every message of `appId` whose record says `dead` but that no dead-letter index
   * holds (a worker that died between its `dead` and its bury), as the bury would have; its
   * death time is the record's last change. Walks the app's message index in slices.
   * @returns the ids filed
   */
  async refileMissing(appId: string): Promise<string[]> {
    const { keyspace, records } = this.options;
    const keys = [records.appIndexKey(appId), this.indexKey(), `${keyspace.key('msg')}:`];
    const filed: string[] = [];
    for (let offset = 0; ; offset += BACKFILL_SLICE) {
      const [read, ...missing] = (await this.findUnfiledScript.run(keys, [
        offset,
        BACKFILL_SLICE,
      ])) as [number, ...string[]];
      for (const id of missing) {
        const record = await records.get(id);
        if (record?.status === 'dead') {
          await this.bury({
            messageId: id,
            appId: record.appId,
            errcode: record.lastError?.errcode ?? -1,
            errmsg: record.lastError?.errmsg ?? 'dead without a dead-letter entry',
            traceId: record.traceId,
            deadAt: record.updatedAt,
          });
          filed.push(id);
        }
      }
      if (read < BACKFILL_SLICE) {
        return filed;
      }
    }
  }

  /**
   * Removes `dead-letters` jobs older than `maxAgeMs` (nothing consumes them, so BullMQ never
   * would): with the record retention as the age, a job goes with its record.
   * @returns how many were removed
   */
  async trimJobs(maxAgeMs: number): Promise<number> {
    return trimUnconsumed(this.options.deadLetterQueue, maxAgeMs);
  }

  /**
   * Files the dead letters buried before caller indexes existed into them, once per stack
   * (a marker key says it is done; concurrent runs only repeat idempotent ZADDs).
   */
  async ensureCallerIndexes(): Promise<void> {
    const { redis, keyspace } = this.options;
    if (this.callerIndexReady || (await redis.exists(callerIndexReadyKey(keyspace))) === 1) {
      this.callerIndexReady = true;
      return;
    }
    const keys = [this.indexKey(), callerDeadIndexPrefix(keyspace), `${keyspace.key('msg')}:`];
    for (let offset = 0; ; offset += BACKFILL_SLICE) {
      const read = (await this.backfillScript.run(keys, [offset, BACKFILL_SLICE])) as number;
      if (read < BACKFILL_SLICE) {
        break;
      }
    }
    await redis.set(callerIndexReadyKey(keyspace), '1');
    this.callerIndexReady = true;
  }
}

/**
 * The send job id of a message's run: the message id for the first, then one per redrive, so a
 * redrive's job never meets the failed job of the run before it.
 */
export function redriveJobId(messageId: string, redrives: number): string {
  return redrives > 0 ? `${messageId}-r${redrives}` : messageId;
}

/** Jobs a clean call removes at most; calls repeat until one removes fewer. */
const CLEAN_BATCH = 1000;

/**
 * Removes the waiting jobs of a queue nobody consumes that are older than `maxAgeMs`
 * (BullMQ's `Queue.clean`, in batches). @returns how many were removed
 */
export async function trimUnconsumed(queue: Queue, maxAgeMs: number): Promise<number> {
  let removed = 0;
  for (;;) {
    const ids = await queue.clean(maxAgeMs, CLEAN_BATCH, 'wait');
    removed += ids.length;
    if (ids.length < CLEAN_BATCH) {
      return removed;
    }
  }
}

/**
 * Orders two cursors of a dead-letter listing as the listing does (newest death first, ties by
 * id descending): negative when `a` comes first. Unreadable cursors sort last.
 */
export function compareDeadLetterCursors(a: string, b: string): number {
  const x = decodeCursor(a);
  const y = decodeCursor(b);
  if (!x || !y) {
    return x ? -1 : y ? 1 : 0;
  }
  return x.score !== y.score ? y.score - x.score : x.id < y.id ? 1 : x.id > y.id ? -1 : 0;
}

function encodeCursor(entry: { id: string; score: number }): string {
  return Buffer.from(`${entry.score}:${entry.id}`).toString('base64url');
}

function decodeCursor(cursor: string | undefined): { score: number; id: string } | undefined {
  if (!cursor) {
    return undefined;
  }
  const [score, id] = Buffer.from(cursor, 'base64url').toString().split(':');
  const n = Number(score);
  return Number.isFinite(n) && id ? { score: n, id } : undefined;
}
