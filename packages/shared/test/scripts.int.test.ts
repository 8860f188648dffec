import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { TEST_REDIS_URL, startPrivateRedis, uniquePrefix } from '@wechat-dispatch/testkit';
import { bindPerTurn, bindScript, luaScript, readLua } from '../src/redis/scripts';

const FIXTURE = join(__dirname, 'fixtures', 'lua', 'set-quadruple.lua');

describe('Lua scripts', () => {
  let redis: Redis;
  const prefix = uniquePrefix('scripts');

  beforeAll(async () => {
    redis = new Redis(TEST_REDIS_URL);
    await redis.ping();
  });

  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) {
      await redis.del(...keys);
    }
    await redis.quit();
  });

  describe('readLua', () => {
    it('when a script includes a piece that includes another, then each is pasted in once', () => {
      const source = readLua(FIXTURE);

      expect(source.match(/local function double/g)).toHaveLength(1);
      expect(source.match(/local function quadruple/g)).toHaveLength(1);
      expect(source).not.toContain('@include');
    });

    it('when an include is missing, then the error names the file', () => {
      expect(() => readLua(join(__dirname, 'fixtures', 'lua', 'missing.lua'))).toThrow(
        /missing\.lua cannot be read/,
      );
    });
  });

  describe('bindScript', () => {
    it('when run, then the script sees its keys and arguments and answers', async () => {
      const script = bindScript(redis, luaScript(FIXTURE));

      const answer = await script.run([`${prefix}:a`], [3]);

      expect(answer).toBe(12);
      expect(await redis.get(`${prefix}:a`)).toBe('12');
    });

    it('when queued on a pipeline, then its answer comes back from exec', async () => {
      const script = bindScript(redis, luaScript(FIXTURE));
      const tx = redis.pipeline();

      script.queue(tx, [`${prefix}:b`], [2]);
      tx.get(`${prefix}:b`);
      const replies = await tx.exec();

      expect(replies).toEqual([
        [null, 8],
        [null, '8'],
      ]);
    });

    it('when Redis forgot its scripts, then the next run still succeeds', async () => {
      // A Redis of its own: SCRIPT FLUSH on the shared one would pull the scripts from under
      // every other suite running at the same time.
      const server = await startPrivateRedis({ appendonly: false });
      const own = new Redis(server.url);
      const script = bindScript(own, luaScript(FIXTURE));
      await script.run([`${prefix}:c`], [1]);

      await own.script('FLUSH');
      const answer = await script.run([`${prefix}:c`], [5]);
      await own.quit();
      await server.destroy();

      expect(answer).toBe(20);
    });
  });

  describe('bindPerTurn', () => {
    it('when several calls are made in one turn, then they run as one script call and each gets its own answer or error', async () => {
      // A Redis of its own: MONITOR on the shared one would carry every other suite's traffic.
      const server = await startPrivateRedis({ appendonly: false });
      const own = new Redis(server.url);
      const script = bindPerTurn(own, luaScript(FIXTURE));
      const watch = await watchScriptCalls(own, prefix);

      const answers = await Promise.allSettled([
        script.run([`${prefix}:t1`], [1]),
        script.run([`${prefix}:t2`], [50]),
        script.run([`${prefix}:t3`], [2]),
      ]);
      const calls = await watch.stop();

      expect(answers[0]).toEqual({ status: 'fulfilled', value: 4 });
      expect(answers[1]).toMatchObject({ status: 'rejected' });
      expect(String((answers[1] as PromiseRejectedResult).reason)).toContain('too large');
      expect(answers[2]).toEqual({ status: 'fulfilled', value: 8 });
      const values = await own.mget(`${prefix}:t1`, `${prefix}:t2`, `${prefix}:t3`);
      await own.quit();
      await server.destroy();
      expect(values).toEqual(['4', null, '8']);
      // One EVALSHA for the three calls.
      expect(calls).toBe(1);
    });

    it('when one call is made in a turn, then it runs the plain script', async () => {
      const script = bindPerTurn(redis, luaScript(FIXTURE));

      await expect(script.run([`${prefix}:single`], [4])).resolves.toBe(16);
    });
  });
});

/**
 * Counts the script calls (EVALSHA, EVAL) naming a key under `prefix` that Redis serves from
 * now until `stop()`, through MONITOR, so other clients of the same Redis do not count.
 */
async function watchScriptCalls(
  redis: Redis,
  prefix: string,
): Promise<{ stop(): Promise<number> }> {
  const monitor = await redis.monitor();
  const marker = `${prefix}:end-of-watch`;
  let calls = 0;
  let ended: () => void = () => undefined;
  const end = new Promise<void>((resolve) => (ended = resolve));
  monitor.on('monitor', (_time: string, args: string[]) => {
    const name = args[0]?.toLowerCase();
    if ((name === 'evalsha' || name === 'eval') && args.some((a) => a.startsWith(prefix))) {
      calls += 1;
    }
    if (name === 'get' && args[1] === marker) {
      ended();
    }
  });
  return {
    async stop() {
      // MONITOR streams in order: once the marker's GET is seen, every earlier call was.
      await redis.get(marker);
      await end;
      monitor.disconnect();
      return calls;
    },
  };
}
