import { join } from 'node:path';
import {
  bindScript,
  luaScript,
  type BoundScript,
  type Keyspace,
  type RedisClient,
  type ScriptArg,
} from '@wechat-dispatch/shared';
import type { Message } from '../messages/message.schema';
import { HISTORY_FIELD } from './history-field';
import { encodeRecord } from './record-codec';
import { RecordStore, type RecordStoreOptions } from './record-store';
import type { DeliveryRecord, HistoryEntry } from './record.schema';
import { appKeys } from '../apps/app-keys';

/** A record to create together with the message it carries. */
export interface NewRecord {
  record: Omit<DeliveryRecord, 'history'>;
  message: Message;
}

const CREATE_RECORDS = luaScript(join(__dirname, 'create-records.lua'));
const DISCARD_RECORDS = luaScript(join(__dirname, 'discard-records.lua'));

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
  private readonly discardScript: BoundScript;
  private readonly keyspace: Keyspace;

  constructor(options: RecordStoreOptions) {
    this.redis = options.redis;
    this.keyspace = options.keyspace;
    this.discardScript = bindScript(this.redis, DISCARD_RECORDS);
    this.store = new RecordStore(options);
    this.ttlSeconds = options.ttlSeconds ?? 7 * 24 * 3600;
    this.createScript = bindScript(this.redis, CREATE_RECORDS);
  }

  /**
   * Creates every record that does not exist yet, atomically (one Lua script), each joining its
   * app's backlog. Existing records are left exactly as they are, so creating the same batch
   * twice is harmless.
   * @returns per item, the BullMQ priority of its send job (its place in its app's backlog)
   */
  async createMissing(items: readonly NewRecord[]): Promise<number[]> {
    if (items.length === 0) {
      return [];
    }
    const { keys, args } = this.createArgs(items);
    return (await this.createScript.run(keys, args)) as number[];
  }

  /** The script's keys and arguments for `items` (create-records.lua). */
  private createArgs(items: readonly NewRecord[]): { keys: string[]; args: ScriptArg[] } {
    const keys: string[] = [];
    const args: ScriptArg[] = [this.ttlSeconds];
    for (const { record, message } of items) {
      const app = appKeys(this.keyspace, record.appId);
      keys.push(
        this.store.recordKey(record.id),
        this.store.appIndexKey(record.appId),
        app.pending,
        app.rank,
      );
      const entry: HistoryEntry = { at: record.createdAt, event: record.status };
      const fields = [...encodeRecord(record, message), HISTORY_FIELD, JSON.stringify(entry)];
      const createdMs = Date.parse(record.createdAt);
      args.push(
        createdMs,
        record.id,
        extraSeconds(record, createdMs),
        fields.length / 2,
        ...fields,
      );
    }
    if (this.store.changesKey !== undefined) {
      keys.push(this.store.changesKey);
    }
    return { keys, args };
  }

  /**
   * Removes records that were never queued (their enqueue failed), with their index entries and
   * their places in their apps' backlogs, in one script.
   */
  async remove(items: ReadonlyArray<{ id: string; appId: string }>): Promise<void> {
    if (items.length === 0) {
      return;
    }
    const keys = items.flatMap(({ id, appId }) => {
      const app = appKeys(this.keyspace, appId);
      return [this.store.recordKey(id), this.store.appIndexKey(appId), app.pending, app.rank];
    });
    await this.discardScript.run(
      keys,
      items.map(({ id }) => id),
    );
  }
}

/** How much longer than the retention a new record lives: until the retention after its `sendAt`. */
function extraSeconds(record: NewRecord['record'], createdMs: number): number {
  const sendAtMs = record.sendAt === undefined ? Number.NaN : Date.parse(record.sendAt);
  return Number.isFinite(sendAtMs) ? Math.max(0, Math.ceil((sendAtMs - createdMs) / 1000)) : 0;
}
