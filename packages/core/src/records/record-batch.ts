import type { ChainableCommander } from 'ioredis';
import type { RedisClient } from '@wechat-dispatch/shared';
import type { Message } from '../messages/message.schema';
import { HISTORY_FIELD } from './history-field';
import { encodeRecord } from './record-codec';
import { RecordStore, type RecordStoreOptions } from './record-store';
import type { DeliveryRecord, HistoryEntry } from './record.types';
import { CREATE_RECORDS_LUA } from './create-records-script';

/** A record to create together with the message it carries. */
export interface NewRecord {
  record: Omit<DeliveryRecord, 'history'>;
  message: Message;
}

type CreateRecordsCommand = (numKeys: number, ...args: string[]) => Promise<number>;

/**
 * Writes and removes delivery records many at a time, in the same layout as {@link RecordStore}
 * (whose key names it uses). Used by the API for batches: one Redis round trip for a thousand
 * records instead of a thousand.
 */
export class RecordBatch {
  private readonly redis: RedisClient;
  private readonly store: RecordStore;
  private readonly ttlSeconds: number;
  private readonly createCommand: CreateRecordsCommand;

  constructor(options: RecordStoreOptions) {
    this.redis = options.redis;
    this.store = new RecordStore(options);
    this.ttlSeconds = options.ttlSeconds ?? 7 * 24 * 3600;
    if (!('wxdCreateRecords' in this.redis)) {
      // No numberOfKeys: the key count varies with the batch, so it is the first argument.
      this.redis.defineCommand('wxdCreateRecords', { lua: CREATE_RECORDS_LUA });
    }
    const command = (this.redis as unknown as Record<string, CreateRecordsCommand>)
      .wxdCreateRecords;
    this.createCommand = command!.bind(this.redis);
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
    const [numKeys, ...args] = this.createArgs(items);
    return this.createCommand(Number(numKeys), ...args);
  }

  /**
   * Queues the same creation onto `tx`, a pipeline (or MULTI) of this store's connection, so
   * the records can go to Redis in one round trip with other commands — the API's send jobs.
   * Its reply in `exec()` is the number of records created.
   */
  createMissingIn(tx: ChainableCommander, items: readonly NewRecord[]): void {
    if (items.length === 0) {
      return;
    }
    const command = (tx as unknown as Record<string, (...args: string[]) => unknown>)
      .wxdCreateRecords;
    if (!command) {
      throw new Error('createMissingIn needs a transaction of the RecordBatch connection');
    }
    command.apply(tx, this.createArgs(items));
  }

  /** The script's arguments for `items`: the key count, the keys, then ARGV. */
  private createArgs(items: readonly NewRecord[]): string[] {
    const keys: string[] = [];
    const args: string[] = [String(this.ttlSeconds)];
    for (const { record, message } of items) {
      keys.push(this.store.recordKey(record.id), this.store.appIndexKey(record.appId));
      const entry: HistoryEntry = { at: record.createdAt, event: record.status };
      const fields = [...encodeRecord(record, message), HISTORY_FIELD, JSON.stringify(entry)];
      args.push(
        String(Date.parse(record.createdAt)),
        record.id,
        String(fields.length / 2),
        ...fields,
      );
    }
    return [String(keys.length), ...keys, ...args];
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
