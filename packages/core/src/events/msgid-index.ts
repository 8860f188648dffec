import type { Keyspace, RedisClient } from '@wechat-dispatch/shared';

/**
 * Lua that indexes a sent message and leaves in `parked` (and removes) an event that arrived
 * before it. Takes the Lua expressions of the index key, the parked key, the message id and
 * the index TTL, so the record store's `sent` transition can run the same lines in its script.
 */
export function indexSentLua(indexKey: string, parkedKey: string, id: string, ttl: string): string {
  return `
redis.call('SET', ${indexKey}, ${id}, 'EX', ${ttl})
local parked = redis.call('GET', ${parkedKey})
if parked then redis.call('DEL', ${parkedKey}) end
`;
}

/** KEYS: msgid index, parked event. ARGV: messageId, indexTtlSeconds. Returns the parked event. */
const INDEX_SENT_LUA = `${indexSentLua('KEYS[1]', 'KEYS[2]', 'ARGV[1]', 'ARGV[2]')}
return parked
`;

/**
 * KEYS: msgid index, parked event. ARGV: eventJson, parkTtlSeconds.
 * Answers the message id, or parks the event when no message has that msgid yet. One script,
 * so an event and the `sent` that indexes its msgid cannot miss each other.
 */
const RESOLVE_OR_PARK_LUA = `
local id = redis.call('GET', KEYS[1])
if id then return id end
redis.call('SET', KEYS[2], ARGV[1], 'EX', ARGV[2])
return false
`;

/** Options of {@link MsgIdIndex}. */
export interface MsgIdIndexOptions {
  redis: RedisClient;
  keyspace: Keyspace;
  /** How long msgid → message id is kept (the record's retention). @defaultValue 7 days */
  indexTtlSeconds?: number;
  /** How long an event for an unknown msgid waits for its record. @defaultValue 1 day */
  parkTtlSeconds?: number;
}

type Command = (k1: string, k2: string, a1: string, a2: string) => Promise<string | null>;

/**
 * A msgid index entry for a script that writes it together with the `sent` transition
 * (`RecordStore.transition`'s `index`), so a message is never `sent` without it.
 */
export interface MsgIdEntry {
  indexKey: string;
  parkedKey: string;
  messageId: string;
  /** Seconds, as the script's argument. */
  ttlSeconds: string;
}

/**
 * WeChat's msgid → our message id, written when a message becomes `sent`, so delivery events
 * find their record. The msgid stays a string end to end (it is a 64-bit integer). Events that
 * arrive before the record says `sent` are parked with a TTL and handed over when it does.
 */
export class MsgIdIndex {
  private readonly indexTtl: string;
  private readonly parkTtl: string;
  private readonly indexSentCommand: Command;
  private readonly resolveCommand: Command;

  constructor(private readonly options: MsgIdIndexOptions) {
    this.indexTtl = String(options.indexTtlSeconds ?? 7 * 24 * 3600);
    this.parkTtl = String(options.parkTtlSeconds ?? 24 * 3600);
    const redis = options.redis;
    if (!('wxdIndexSent' in redis)) {
      redis.defineCommand('wxdIndexSent', { numberOfKeys: 2, lua: INDEX_SENT_LUA });
      redis.defineCommand('wxdResolveOrPark', { numberOfKeys: 2, lua: RESOLVE_OR_PARK_LUA });
    }
    const commands = redis as unknown as Record<string, Command>;
    this.indexSentCommand = commands.wxdIndexSent!.bind(redis);
    this.resolveCommand = commands.wxdResolveOrPark!.bind(redis);
  }

  private keys(appId: string, msgId: string): [string, string] {
    const { keyspace } = this.options;
    return [keyspace.key('msgid', appId, msgId), keyspace.key('parked-event', appId, msgId)];
  }

  /** The entry saying `messageId` was sent as `msgId`, for the `sent` transition to write. */
  entryFor(appId: string, msgId: string, messageId: string): MsgIdEntry {
    const [indexKey, parkedKey] = this.keys(appId, msgId);
    return { indexKey, parkedKey, messageId, ttlSeconds: this.indexTtl };
  }

  /**
   * Records that `messageId` was sent as `msgId`.
   * @returns the JSON of an event parked for this msgid, if one arrived first
   */
  async indexSent(appId: string, msgId: string, messageId: string): Promise<string | undefined> {
    const [indexKey, parkedKey] = this.keys(appId, msgId);
    return (
      (await this.indexSentCommand(indexKey, parkedKey, messageId, this.indexTtl)) ?? undefined
    );
  }

  /** The message sent as `msgId`, or undefined after parking `eventJson` for it. */
  async resolveOrPark(
    appId: string,
    msgId: string,
    eventJson: string,
  ): Promise<string | undefined> {
    const [indexKey, parkedKey] = this.keys(appId, msgId);
    return (await this.resolveCommand(indexKey, parkedKey, eventJson, this.parkTtl)) ?? undefined;
  }
}
