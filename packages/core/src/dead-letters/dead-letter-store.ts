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
  private callerIndexReady = false;

  constructor(private readonly options: DeadLetterStoreOptions) {
    this.buryScript = bindScript(options.redis, BURY);
    this.backfillScript = bindScript(options.redis, BACKFILL);
  }

  private indexKey(appId?: string): string {
    return deadIndexKey(this.options.keyspace, appId);
  }

  /** Files a message the worker has just marked `dead` (its record says whose it is). Idempotent. */
  async bury(job: DeadLetterJob): Promise<void> {
    const { keyspace } = this.options;
    await this.buryScript.run(
      [
        keyspace.key('msg', job.messageId),
        this.indexKey(),
        this.indexKey(job.appId),
        callerDeadIndexPrefix(keyspace),
      ],
      [Date.parse(job.deadAt), job.messageId],
    );
    await this.options.deadLetterQueue.add(JOB_NAMES.deadLetter, job, {
      jobId: job.messageId,
      removeOnComplete: true,
      removeOnFail: true,
    });
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
    const gone: string[] = [];
    const appOnly = query.caller !== undefined ? query.appId : undefined;
    records.forEach((record, i) => {
      if (record?.status === 'dead' && (appOnly === undefined || record.appId === appOnly)) {
        items.push(record);
      } else if (!record) {
        gone.push(page[i]!.id);
      }
    });
    if (gone.length > 0) {
      await this.options.redis.zrem(index, ...gone);
    }
    const last = page[page.length - 1];
    const nextCursor = entries.length > limit && last ? encodeCursor(last) : null;
    return { items, nextCursor };
  }

  /** Sends a dead message again with a fresh attempt budget. */
  async redrive(
    messageId: string,
    by: { caller: string; traceId: string },
  ): Promise<RedriveResult> {
    const record = await this.options.records.get(messageId);
    if (!record) {
      return { ok: false, reason: 'not_found' };
    }
    if (record.status !== 'dead') {
      return { ok: false, reason: 'not_dead', status: record.status };
    }
    const { sendQueue } = this.options;
    const { appId } = record;
    // The failed job still holds the id; BullMQ would ignore a new job with the same id.
    await sendQueue.remove(messageId);
    const moved = await this.options.records.transition(messageId, {
      from: ['dead'],
      to: 'queued',
      set: { attempts: 0 },
      unset: ['nextAttemptAt'],
      event: { event: 'redriven', caller: by.caller },
      appId,
    });
    if (!moved.ok) {
      return { ok: false, reason: moved.current ? 'not_dead' : 'not_found', status: moved.current };
    }
    try {
      await sendQueue.add(
        JOB_NAMES.sendMessage,
        { messageId, appId, traceId: by.traceId },
        { jobId: messageId, priority: moved.rank ?? 1 },
      );
    } catch (err) {
      await this.options.records
        .transition(messageId, {
          from: ['queued'],
          to: 'dead',
          event: { event: 'redrive_failed' },
          appId,
        })
        .catch(() => undefined);
      throw err;
    }
    await this.options.redis
      .multi()
      .zrem(this.indexKey(), messageId)
      .zrem(this.indexKey(appId), messageId)
      .zrem(callerDeadIndexKey(this.options.keyspace, record.caller), messageId)
      .exec();
    await this.options.deadLetterQueue.remove(messageId);
    return { ok: true };
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
