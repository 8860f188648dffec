import { join } from 'node:path';
import type { ChainableCommander } from 'ioredis';
import {
  bindScript,
  luaScript,
  type BoundScript,
  type RedisClient,
  type ScriptArg,
} from '@wechat-dispatch/shared';
import type { Message } from '../messages/message.schema';
import { HISTORY_FIELD } from './history-field';
import { encodeRecord } from './record-codec';
import { RecordStore, type RecordStoreOptions } from './record-store';
import type { DeliveryRecord, HistoryEntry } from './record.schema';

/** A record to create together with the message it carries. */
export interface NewRecord {
  record: Omit<DeliveryRecord, 'history'>;
  message: Message;
}

const CREATE_RECORDS = luaScript(join(__dirname, 'create-records.lua'));

/**
 * Writes and removes delivery records many at a time, in the same layout as {@link RecordStore}
 * (whose key names it uses). Used by the API for batches: one Redis round trip for a thousand
 * records instead of a thousand.
 */
export class RecordBatch {
  private readonly redis: RedisClient;
  private readonly store: RecordStore;
  private readonly ttlSeconds: number;
  private readonly createScript: BoundScript;

  constructor(options: RecordStoreOptions) {
    this.redis = options.redis;
    this.store = new RecordStore(options);
    this.ttlSeconds = options.ttlSeconds ?? 7 * 24 * 3600;
    this.createScript = bindScript(this.redis, CREATE_RECORDS);
  }

  /**
   * Creates every record that does not exist yet, atomically (one Lua script). Existing records
   * are left exactly as they are, so creating the same batch twice is harmless.
   * @returns how many records were created
   */
  async createMissing(items: readonly NewRecord[]): Promise<number> {
    if (items.length === 0) {
      return 0;
    }
    const { keys, args } = this.createArgs(items);
    return (await this.createScript.run(keys, args)) as number;
  }

  /**
   * Queues the same creation onto `tx`, a pipeline (or MULTI) of this store's connection, so
   * the records can go to Redis in one round trip with other commands — the API's send jobs.
   * Its reply in `exec()` is the number of records created.
   * @throws Error when `tx` is not of this store's connection, or was created before the store
   */
  createMissingIn(tx: ChainableCommander, items: readonly NewRecord[]): void {
    if (items.length === 0) {
      return;
    }
    const { keys, args } = this.createArgs(items);
    this.createScript.queue(tx, keys, args);
  }

  /** The script's keys and arguments for `items` (create-records.lua). */
  private createArgs(items: readonly NewRecord[]): { keys: string[]; args: ScriptArg[] } {
    const keys: string[] = [];
    const args: ScriptArg[] = [this.ttlSeconds];
    for (const { record, message } of items) {
      keys.push(this.store.recordKey(record.id), this.store.appIndexKey(record.appId));
      const entry: HistoryEntry = { at: record.createdAt, event: record.status };
      const fields = [...encodeRecord(record, message), HISTORY_FIELD, JSON.stringify(entry)];
      args.push(Date.parse(record.createdAt), record.id, fields.length / 2, ...fields);
    }
    return { keys, args };
  }

  /** Removes records that were never queued (their enqueue failed), in one MULTI. */
  async remove(items: ReadonlyArray<{ id: string; appId: string }>): Promise<void> {
    if (items.length === 0) {
      return;
    }
    const multi = this.redis.multi();
    for (const { id, appId } of items) {
      multi.del(this.store.recordKey(id));
      multi.zrem(this.store.appIndexKey(appId), id);
    }
    throwOnMultiError(await multi.exec());
  }
}

/** Unwraps a MULTI/pipeline reply, throwing the first command error. */
function throwOnMultiError(replies: Array<[Error | null, unknown]> | null): unknown[] {
  if (replies === null) {
    throw new Error('RedisClient transaction was aborted');
  }
  return replies.map(([err, value]) => {
    if (err) {
      throw err;
    }
    return value;
  });
}
