import { join } from 'node:path';
import {
  DependencyUnavailableError,
  bindScript,
  luaScript,
  type Keyspace,
  type RedisClient,
} from '@wechat-dispatch/shared';

const ASSIGN = luaScript(join(__dirname, 'compat-msgid.lua'));

/** Default lifetime of an index entry: the record's default (`RECORD_TTL_DAYS`, 7 days). */
const DEFAULT_TTL_S = 7 * 86400;

/**
 * The numeric msgids of the compat send routes, as WeChat answers them (a JSON integer): one
 * counter per stack (`<p>:wx-msgid-seq`), and an index both ways (`<p>:wx-msgid:<n>` → message
 * id, `<p>:wx-msgid-of:<messageId>` → n) living as long as the record.
 */
export class CompatMsgIds {
  private readonly assignScript;
  private readonly ttlSeconds: number;

  constructor(
    private readonly options: { redis: RedisClient; keyspace: Keyspace; ttlSeconds?: number },
  ) {
    this.assignScript = bindScript(options.redis, ASSIGN);
    this.ttlSeconds = options.ttlSeconds ?? DEFAULT_TTL_S;
  }

  /**
   * The message's msgid, given on its first call and the same on every later one.
   * @throws DependencyUnavailableError when Redis does not answer
   */
  async assign(messageId: string): Promise<number> {
    const { keyspace } = this.options;
    try {
      const msgid = (await this.assignScript.run(
        [
          keyspace.key('wx-msgid-seq'),
          `${keyspace.key('wx-msgid')}:`,
          keyspace.key('wx-msgid-of', messageId),
        ],
        [messageId, this.ttlSeconds],
      )) as string;
      return Number(msgid);
    } catch (err) {
      throw new DependencyUnavailableError(undefined, err);
    }
  }

  /**
   * The message id of a msgid, or undefined when none is known.
   * @throws DependencyUnavailableError when Redis does not answer
   */
  async resolve(msgid: string): Promise<string | undefined> {
    try {
      return (
        (await this.options.redis.get(this.options.keyspace.key('wx-msgid', msgid))) ?? undefined
      );
    } catch (err) {
      throw new DependencyUnavailableError(undefined, err);
    }
  }
}
