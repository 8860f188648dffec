import type { Keyspace, RedisClient } from '@wechat-dispatch/shared';

const DAY_SECONDS = 86_400;
const DAY_MS = DAY_SECONDS * 1000;

/**
 * Lua that indexes a sent message in its day's bucket and leaves in `parked` (and removes) an
 * event that arrived before it. Takes the Lua expressions of the bucket key, the parked key,
 * the msgid, the message id and the bucket TTL, so the record store's `sent` transition can run
 * the same lines in its script.
 *
 * The TTL is set only by the write that creates the bucket (HLEN 1 after the HSET: one O(1)
 * command, where `EXPIRE … NX` would need Redis 7), so later entries do not push it back. It is
 * the index TTL plus one day and the bucket is created on its day, so every entry, written at
 * the latest at the end of that day, lives at least the index TTL after it was written (less
 * any skew between the writers' clocks).
 */
export function indexSentLua(
  bucketKey: string,
  parkedKey: string,
  msgId: string,
  id: string,
  bucketTtl: string,
): string {
  return `
redis.call('HSET', ${bucketKey}, ${msgId}, ${id})
if redis.call('HLEN', ${bucketKey}) == 1 then redis.call('EXPIRE', ${bucketKey}, ${bucketTtl}) end
local parked = redis.call('GET', ${parkedKey})
if parked then redis.call('DEL', ${parkedKey}) end
`;
}

/**
 * KEYS: day bucket, parked event. ARGV: msgid, messageId, bucketTtlSeconds.
 * Returns the JSON of the parked event, or false.
 */
const INDEX_SENT_LUA = `${indexSentLua('KEYS[1]', 'KEYS[2]', 'ARGV[1]', 'ARGV[2]', 'ARGV[3]')}
return parked
`;

/**
 * KEYS: the day buckets to search, newest first; the previous version's per-msgid key; the
 * parked event. ARGV: msgid, eventJson, parkTtlSeconds.
 * Answers the message id from the first bucket (or else the per-msgid key) that has the msgid,
 * or parks the event and answers false when no message has that msgid yet. One script, so an
 * event and the `sent` that indexes its msgid cannot miss each other.
 */
const RESOLVE_OR_PARK_LUA = `
local buckets = #KEYS - 2
for i = 1, buckets do
  local id = redis.call('HGET', KEYS[i], ARGV[1])
  if id then return id end
end
local id = redis.call('GET', KEYS[buckets + 1])
if id then return id end
redis.call('SET', KEYS[buckets + 2], ARGV[2], 'EX', ARGV[3])
return false
`;

/** Options of {@link MsgIdIndex}. */
export interface MsgIdIndexOptions {
  redis: RedisClient;
  keyspace: Keyspace;
  /**
   * How long msgid → message id is kept at least (the record's retention), in seconds; a day
   * bucket is kept one day longer. @defaultValue 7 days
   */
  indexTtlSeconds?: number;
  /** How long an event for an unknown msgid waits for its record. @defaultValue 1 day */
  parkTtlSeconds?: number;
  /** The clock that picks the day bucket, in epoch milliseconds. @defaultValue Date.now */
  now?: () => number;
}

type IndexSentCommand = (...keysAndArgs: string[]) => Promise<string | null>;
type ResolveCommand = (numberOfKeys: string, ...keysAndArgs: string[]) => Promise<string | null>;

/**
 * A msgid index entry for a script that writes it together with the `sent` transition
 * (`RecordStore.transition`'s `index`), so a message is never `sent` without it.
 */
export interface MsgIdEntry {
  /** The hash of the app's msgids sent on this UTC day. */
  bucketKey: string;
  parkedKey: string;
  /** The field: WeChat's msgid. */
  msgId: string;
  /** The value: our message id. */
  messageId: string;
  /** Seconds, as the script's argument: set when this entry creates the bucket. */
  bucketTtlSeconds: string;
}

/**
 * WeChat's msgid → our message id, written when a message becomes `sent`, so delivery events
 * find their record. One hash per app per UTC day (field msgid, value message id) instead of a
 * key per message: a new top-level key with a TTL was the costliest part of a `sent`, and a
 * larger keyspace slows every other command. The msgid stays a string end to end (it is a
 * 64-bit integer). Events that arrive before the record says `sent` are parked with a TTL and
 * handed over when it does.
 */
export class MsgIdIndex {
  private readonly bucketTtl: string;
  private readonly parkTtl: string;
  /** ceil(index TTL / 1 day): how many days back an entry can still be asked for. */
  private readonly daysBack: number;
  private readonly now: () => number;
  private readonly indexSentCommand: IndexSentCommand;
  private readonly resolveCommand: ResolveCommand;

  constructor(private readonly options: MsgIdIndexOptions) {
    const indexTtl = options.indexTtlSeconds ?? 7 * DAY_SECONDS;
    this.bucketTtl = String(indexTtl + DAY_SECONDS);
    this.daysBack = Math.ceil(indexTtl / DAY_SECONDS);
    this.parkTtl = String(options.parkTtlSeconds ?? DAY_SECONDS);
    this.now = options.now ?? Date.now;
    const redis = options.redis;
    if (!('wxdIndexSent' in redis)) {
      redis.defineCommand('wxdIndexSent', { numberOfKeys: 2, lua: INDEX_SENT_LUA });
      // No numberOfKeys: the bucket count follows indexTtlSeconds, so it is the first argument.
      redis.defineCommand('wxdResolveOrPark', { lua: RESOLVE_OR_PARK_LUA });
    }
    const commands = redis as unknown as Record<string, IndexSentCommand & ResolveCommand>;
    this.indexSentCommand = commands.wxdIndexSent!.bind(redis);
    this.resolveCommand = commands.wxdResolveOrPark!.bind(redis);
  }

  private bucketKey(appId: string, day: number): string {
    return this.options.keyspace.key('msgid-index', appId, String(day));
  }

  private parkedKey(appId: string, msgId: string): string {
    return this.options.keyspace.key('parked-event', appId, msgId);
  }

  /** The entry saying `messageId` was sent as `msgId` now, for the `sent` transition to write. */
  entryFor(appId: string, msgId: string, messageId: string): MsgIdEntry {
    return {
      bucketKey: this.bucketKey(appId, Math.floor(this.now() / DAY_MS)),
      parkedKey: this.parkedKey(appId, msgId),
      msgId,
      messageId,
      bucketTtlSeconds: this.bucketTtl,
    };
  }

  /**
   * Records that `messageId` was sent as `msgId`.
   * @returns the JSON of an event parked for this msgid, if one arrived first
   */
  async indexSent(appId: string, msgId: string, messageId: string): Promise<string | undefined> {
    const entry = this.entryFor(appId, msgId, messageId);
    return (
      (await this.indexSentCommand(
        entry.bucketKey,
        entry.parkedKey,
        msgId,
        messageId,
        entry.bucketTtlSeconds,
      )) ?? undefined
    );
  }

  /** The message sent as `msgId`, or undefined after parking `eventJson` for it. */
  async resolveOrPark(
    appId: string,
    msgId: string,
    eventJson: string,
  ): Promise<string | undefined> {
    const keys = this.resolveKeys(appId, msgId);
    return (
      (await this.resolveCommand(String(keys.length), ...keys, msgId, eventJson, this.parkTtl)) ??
      undefined
    );
  }

  /**
   * The keys that may hold `msgId`, in the order searched, then its parked-event key. First the
   * day buckets, newest first: an entry is promised only for the index TTL after its `sent`,
   * which puts it in a bucket from today back to today - ceil(TTL / 1 day); one more day on
   * each side covers a writer whose clock is a little ahead of or behind ours near midnight.
   *
   * Then the per-msgid key the previous version wrote (`msgid:<appId>:<msgid>`, with the index
   * TTL): read so the events of messages it sent before a rolling upgrade still find them, and
   * needed only until its last such key expired, the index TTL (7 days by default) after the
   * upgrade.
   */
  private resolveKeys(appId: string, msgId: string): string[] {
    const today = Math.floor(this.now() / DAY_MS);
    const keys: string[] = [];
    for (let day = today + 1; day >= today - this.daysBack - 1; day--) {
      keys.push(this.bucketKey(appId, day));
    }
    keys.push(this.options.keyspace.key('msgid', appId, msgId), this.parkedKey(appId, msgId));
    return keys;
  }
}
