import { join } from 'node:path';
import {
  bindScript,
  luaScript,
  type BoundScript,
  type Keyspace,
  type RedisClient,
} from '@wechat-dispatch/shared';

const INDEX_SENT = luaScript(join(__dirname, 'index-sent.lua'));
const RESOLVE_OR_PARK = luaScript(join(__dirname, 'resolve-or-park.lua'));

/** Options of {@link MsgIdIndex}. */
export interface MsgIdIndexOptions {
  redis: RedisClient;
  keyspace: Keyspace;
  /** How long msgid → message id is kept (the record's retention). @defaultValue 7 days */
  indexTtlSeconds?: number;
  /** How long an event for an unknown msgid waits for its record. @defaultValue 1 day */
  parkTtlSeconds?: number;
}

/**
 * A msgid index entry for a script that writes it together with the `sent` transition
 * (`RecordStore.transition`'s `index`, indexed-transition.lua), so a message is never `sent`
 * without it.
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
  private readonly indexSentScript: BoundScript;
  private readonly resolveScript: BoundScript;

  constructor(private readonly options: MsgIdIndexOptions) {
    this.indexTtl = String(options.indexTtlSeconds ?? 7 * 24 * 3600);
    this.parkTtl = String(options.parkTtlSeconds ?? 24 * 3600);
    this.indexSentScript = bindScript(options.redis, INDEX_SENT);
    this.resolveScript = bindScript(options.redis, RESOLVE_OR_PARK);
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
    const parked = await this.indexSentScript.run(this.keys(appId, msgId), [
      messageId,
      this.indexTtl,
    ]);
    return (parked as string | null) ?? undefined;
  }

  /** The message sent as `msgId`, or undefined after parking `eventJson` for it. */
  async resolveOrPark(
    appId: string,
    msgId: string,
    eventJson: string,
  ): Promise<string | undefined> {
    const id = await this.resolveScript.run(this.keys(appId, msgId), [eventJson, this.parkTtl]);
    return (id as string | null) ?? undefined;
  }
}
