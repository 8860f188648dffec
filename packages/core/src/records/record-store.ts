import { join } from 'node:path';
import {
  bindPerTurn,
  bindScript,
  luaScript,
  type BoundScript,
  type Keyspace,
  type RedisClient,
} from '@wechat-dispatch/shared';
import { decodeRecord, encodeField } from './record-codec';
import type { DeliveryRecord, HistoryEntry, MessageStatus, StoredMessage } from './record.schema';
import { canMove } from './status-machine';
import type { MsgIdEntry } from '../events/msgid-index';
import { appKeys } from '../apps/app-keys';
import { changeStreamKey } from '../archive/change-stream-key';

const TRANSITION = luaScript(join(__dirname, 'transition.lua'));
const INDEXED_TRANSITION = luaScript(join(__dirname, 'indexed-transition.lua'));
const CLAIM = luaScript(join(__dirname, 'claim.lua'));

/** Options of {@link RecordStore}. */
export interface RecordStoreOptions {
  redis: RedisClient;
  keyspace: Keyspace;
  /** How long a record is kept after its last change. @defaultValue 7 days */
  ttlSeconds?: number;
  /** Most history entries kept per record (at least 1). @defaultValue 50 */
  historyCap?: number;
  /**
   * Run the claims and transitions of one event-loop turn as one script call (`bindPerTurn`;
   * the worker, which claims and finishes many messages per turn). @defaultValue false: each
   * call its own
   */
  perTurn?: boolean;
  /**
   * Append every creation and status change to the archive's change stream (#20): set where an
   * archive is configured. @defaultValue false
   */
  archiveChanges?: boolean;
}

/** What a status change asks for. */
export interface TransitionRequest {
  /** Statuses the record may be in for the change to apply. */
  from: readonly MessageStatus[];
  to: MessageStatus;
  /** Fields to set alongside the status. */
  set?: Partial<Omit<DeliveryRecord, 'id' | 'status' | 'history' | 'updatedAt'>>;
  /** Fields to remove (e.g. `nextAttemptAt` once sent). */
  unset?: Array<Exclude<keyof DeliveryRecord, 'history'>>;
  /** Count one more attempt. */
  incrementAttempts?: boolean;
  /** The history line; `at` is filled in. */
  event: Omit<HistoryEntry, 'at'>;
  /** The clock. @defaultValue now */
  at?: Date;
  /**
   * A msgid index entry (`MsgIdIndex.entryFor`) written by the same script when the transition
   * applies: the worker's `sent` and its index in one round trip.
   */
  index?: MsgIdEntry;
  /**
   * The record's app: its backlog (pending count and send priority) follows the change. Every
   * change in or out of a final status names it, or the app's pending count drifts.
   */
  appId?: string;
}

/** The outcome of a transition. */
export type TransitionResult =
  | {
      ok: true;
      previous: MessageStatus;
      /** With `appId`, when the message joined its app's backlog again: its send priority. */
      rank?: number;
      /** With `index`: the JSON of a delivery event parked for that msgid, now taken. */
      parked?: string;
    }
  | { ok: false; current: MessageStatus | undefined };

/** What a claim asks for: a transition whose history entry carries the attempt it starts. */
export interface ClaimRequest {
  from: readonly MessageStatus[];
  to: MessageStatus;
  /**
   * The history line; `at` and `attempt` are filled in. The script re-encodes it (Redis' cjson),
   * so its values are strings, numbers and booleans (an empty array would come back as `{}`).
   */
  event: Omit<HistoryEntry, 'at' | 'attempt'>;
  /** The clock. @defaultValue now */
  at?: Date;
  /** The message's app: while it is paused the claim answers `pausedMs` and changes nothing. */
  appId?: string;
  /**
   * With `appId`: read the app's circuit breaker too. While it is open the claim answers
   * `breakerMs` and changes nothing, except for the one claim that becomes its probe (`probe`),
   * which holds the probe lock for `probeLeaseMs` or until the probe's outcome is recorded.
   */
  breaker?: { probeLeaseMs: number };
}

/** The outcome of a claim: the record after the change (without its history), or why not. */
export type ClaimResult =
  | { ok: true; previous: MessageStatus; attempt: number; stored: StoredMessage; probe: boolean }
  | {
      ok: false;
      current: MessageStatus | undefined;
      appId?: string;
      pausedMs?: undefined;
      breakerMs?: undefined;
    }
  | { ok: false; current?: undefined; pausedMs: number; breakerMs?: undefined }
  | { ok: false; current?: undefined; pausedMs?: undefined; breakerMs: number };

type TransitionAnswer = [number, string, (string | number | null)?];

/** A script about one record, bound one call at a time or per turn. */
type RecordScript = Pick<BoundScript, 'run'>;

type ClaimAnswer = [
  code: number,
  status?: string,
  third?: number | string,
  fields?: string[],
  probe?: number,
];

/**
 * The delivery-record store shared by api and worker: one Redis hash per message (with the
 * message body and a capped history field) and a per-app index by creation time. Status changes
 * go through one Lua script so they are atomic and only move along allowed edges.
 */
export class RecordStore {
  private readonly redis: RedisClient;
  private readonly keyspace: Keyspace;
  /** Most history entries kept per record. */
  readonly historyCap: number;
  /** How long a record is kept after its last change. */
  readonly ttlSeconds: number;
  private readonly transitionScript: RecordScript;
  private readonly indexedTransitionScript: RecordScript;
  private readonly claimScript: RecordScript;
  /** The change stream's key when changes are archived. */
  readonly changesKey: string | undefined;

  constructor(options: RecordStoreOptions) {
    this.redis = options.redis;
    this.keyspace = options.keyspace;
    this.ttlSeconds = options.ttlSeconds ?? 7 * 24 * 3600;
    this.historyCap = options.historyCap ?? 50;
    const bind = options.perTurn ? bindPerTurn : bindScript;
    this.transitionScript = bind(this.redis, TRANSITION);
    this.indexedTransitionScript = bind(this.redis, INDEXED_TRANSITION);
    this.claimScript = bind(this.redis, CLAIM);
    this.changesKey = options.archiveChanges ? changeStreamKey(this.keyspace) : undefined;
  }

  /** Key of a record hash. */
  recordKey(id: string): string {
    return this.keyspace.key('msg', id);
  }

  /** Key of an app's index of messages by creation time. */
  appIndexKey(appId: string): string {
    return this.keyspace.key('app-index', appId);
  }

  /** The record and message of `id`, or undefined. */
  async load(id: string): Promise<StoredMessage | undefined> {
    const hash = await this.redis.hgetall(this.recordKey(id));
    return Object.keys(hash).length === 0 ? undefined : decodeRecord(hash);
  }

  /** The record of `id` as the API shows it, or undefined. */
  async get(id: string): Promise<DeliveryRecord | undefined> {
    return (await this.load(id))?.record;
  }

  /**
   * Applies a status change if the record is in one of `request.from`.
   * @throws Error when a `from → to` edge is not in STATUS_EDGES (a programming error)
   */
  async transition(id: string, request: TransitionRequest): Promise<TransitionResult> {
    const { from, to, index } = request;
    assertForward(from, to);
    const at = (request.at ?? new Date()).toISOString();
    const set = Object.entries(request.set ?? {}).filter(([, value]) => value !== undefined);
    const unset = request.unset ?? [];
    // ARGV in the scripts' order; the indexed script adds two keys and two arguments, the
    // backlog two keys after them, the change stream last.
    const keys = [this.recordKey(id), ...(index ? [index.indexKey, index.parkedKey] : [])];
    if (request.appId !== undefined) {
      const app = appKeys(this.keyspace, request.appId);
      keys.push(app.pending, app.rank);
    }
    if (this.changesKey !== undefined) {
      keys.push(this.changesKey);
    }
    const args = [
      to,
      at,
      JSON.stringify({ at, ...request.event }),
      this.historyCap,
      this.ttlSeconds,
      request.incrementAttempts ? '1' : '0',
      from.length,
      ...from,
      set.length,
      ...set.flatMap(([field, value]) => [field, encodeField(field, value)]),
      unset.length,
      ...unset,
      ...(index ? [index.messageId, index.ttlSeconds] : []),
    ];
    const script = index ? this.indexedTransitionScript : this.transitionScript;
    const [code, status, third] = (await script.run(keys, args)) as TransitionAnswer;
    if (code === 1) {
      // Lua's false (nothing parked, no rank) arrives as null.
      const previous = status as MessageStatus;
      if (typeof third === 'string') {
        return { ok: true, previous, parked: third };
      }
      return typeof third === 'number'
        ? { ok: true, previous, rank: third }
        : { ok: true, previous };
    }
    return { ok: false, current: code === 0 ? (status as MessageStatus) : undefined };
  }

  /**
   * A transition that answers with the record: the worker's claim of a message in one round
   * trip instead of a read and a transition. The history entry gets `attempt` = the record's
   * `attempts` + 1. On success, `stored` holds the record as it is after the change, with an
   * empty history (the script leaves it out of its answer).
   * @throws Error when a `from → to` edge is not in STATUS_EDGES (a programming error)
   */
  async claim(id: string, request: ClaimRequest): Promise<ClaimResult> {
    assertForward(request.from, request.to);
    const at = (request.at ?? new Date()).toISOString();
    // The entry without its attempt, which only the script knows; the script adds it.
    const entry = JSON.stringify({ at, ...request.event });
    const keys = [this.recordKey(id)];
    const args: Array<string | number> = [
      request.to,
      at,
      entry,
      this.historyCap,
      request.from.length,
      ...request.from,
    ];
    if (request.appId !== undefined) {
      const app = appKeys(this.keyspace, request.appId);
      keys.push(app.pause);
      if (request.breaker) {
        keys.push(app.breaker, app.breakerProbe);
        args.push(request.breaker.probeLeaseMs, id);
      }
    }
    const [code, status, third, fields, probe] = (await this.claimScript.run(
      keys,
      args,
    )) as ClaimAnswer;
    if (code === 2) {
      return { ok: false, pausedMs: Number(third) };
    }
    if (code === 3) {
      return { ok: false, breakerMs: Number(third) };
    }
    if (code !== 1) {
      return {
        ok: false,
        current: code === 0 ? (status as MessageStatus) : undefined,
        appId: typeof third === 'string' ? third : undefined,
      };
    }
    const hash: Record<string, string> = {};
    for (let i = 0; i + 1 < (fields ?? []).length; i += 2) {
      hash[fields![i]!] = fields![i + 1]!;
    }
    return {
      ok: true,
      previous: status as MessageStatus,
      attempt: Number(third),
      stored: decodeRecord(hash),
      probe: probe === 1,
    };
  }
}

/** @throws Error when a `from → to` edge is not in STATUS_EDGES (a programming error) */
function assertForward(from: readonly MessageStatus[], to: MessageStatus): void {
  const backwards = from.filter((status) => !canMove(status, to));
  if (backwards.length > 0) {
    throw new Error(`status cannot move from ${backwards.join('/')} to ${to}`);
  }
}
