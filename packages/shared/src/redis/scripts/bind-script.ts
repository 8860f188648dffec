import type { ChainableCommander } from 'ioredis';
import type { RedisClient } from '../create-redis';
import type { ScriptDef } from './script-def';

/** An argument of a script call; ioredis sends numbers as their decimal text. */
export type ScriptArg = string | number;

/** A script bound to one connection. */
export interface BoundScript {
  /** Runs the script (EVALSHA, EVAL when Redis does not know it yet). */
  run(keys: readonly string[], args: readonly ScriptArg[]): Promise<unknown>;
  /**
   * Queues the call on `tx`, a pipeline or MULTI of the same connection created after the
   * script was bound; its answer comes back from `exec()`.
   */
  queue(tx: ChainableCommander, keys: readonly string[], args: readonly ScriptArg[]): void;
}

type ScriptCommand = (numberOfKeys: number, ...keysAndArgs: ScriptArg[]) => Promise<unknown>;

/**
 * `def` as a command of `redis`, through ioredis' own `defineCommand` (EVALSHA with the EVAL
 * fallback, pipelines, Cluster slot routing). Registered once per connection under the script's
 * name, so every store that binds the same script shares it. The key count travels with each
 * call, so one script serves any number of keys.
 */
export function bindScript(redis: RedisClient, def: ScriptDef): BoundScript {
  if (!(def.name in redis)) {
    redis.defineCommand(def.name, { lua: def.lua });
  }
  const command = (redis as unknown as Record<string, ScriptCommand>)[def.name]!.bind(redis);
  return {
    run: (keys, args) => command(keys.length, ...keys, ...args),
    queue(tx, keys, args) {
      const queued = (tx as unknown as Record<string, ScriptCommand | undefined>)[def.name];
      if (queued === undefined) {
        throw new Error(`script ${def.name} is not defined on this pipeline's connection`);
      }
      void queued.call(tx, keys.length, ...keys, ...args);
    },
  };
}
