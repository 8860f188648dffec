import type { Queue } from 'bullmq';
import type { Keyspace, RedisClient } from '@wechat-dispatch/shared';
import { deadIndexKey } from './dead-index';
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

const MAX_PAGE = 500;
/** Dead letters filed in the same millisecond that a page boundary may have to skip over. */
const MAX_TIES = 1000;

/**
 * Dead letters: messages whose send failed for good. Each one is a record in status `dead`, an
 * entry in a time index (all apps, and per app) for paging, and a job in the `dead-letters`
 * queue so Bull Board shows it. Redrive gives the message a fresh attempt budget exactly once:
 * the record's `dead → queued` transition is atomic, so a second redrive finds it `queued`.
 */
export class DeadLetterStore {
  constructor(private readonly options: DeadLetterStoreOptions) {}

  private indexKey(appId?: string): string {
    return deadIndexKey(this.options.keyspace, appId);
  }

  /** Files a message the worker has just marked `dead`. Idempotent. */
  async bury(job: DeadLetterJob): Promise<void> {
    const score = Date.parse(job.deadAt);
    await this.options.redis
      .multi()
      .zadd(this.indexKey(), score, job.messageId)
      .zadd(this.indexKey(job.appId), score, job.messageId)
      .exec();
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
  async list(query: { appId?: string; limit?: number; cursor?: string }): Promise<DeadLetterPage> {
    const limit = Math.min(Math.max(query.limit ?? 50, 1), MAX_PAGE);
    const index = this.indexKey(query.appId);
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
    records.forEach((record, i) => {
      if (record?.status === 'dead') {
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
      .exec();
    await this.options.deadLetterQueue.remove(messageId);
    return { ok: true };
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
