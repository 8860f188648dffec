import { join } from 'node:path';
import type { RedisClient } from '../create-redis';
import { bindScript, type BoundScript, type ScriptArg } from './bind-script';
import { readLua } from './lua-source';
import type { ScriptDef } from './script-def';

/** A script whose calls of one event-loop turn go to Redis as one call. */
export interface PerTurnScript {
  /** The call's own answer, once the batch of its turn has run. */
  run(keys: readonly string[], args: readonly ScriptArg[]): Promise<unknown>;
}

interface Pending {
  keys: readonly string[];
  args: readonly ScriptArg[];
  resolve: (answer: unknown) => void;
  reject: (err: unknown) => void;
}

const DRIVER = readLua(join(__dirname, 'per-turn.lua'));

/**
 * The batch form of a single-call script: the script as a local function of its own KEYS and
 * ARGV, followed by the driver that calls it once per batched call (per-turn.lua).
 */
export function perTurnDef(def: ScriptDef): ScriptDef {
  return {
    name: `${def.name}_turn`,
    lua: `local function one(KEYS, ARGV)\n${def.lua}\nend\n${DRIVER}`,
  };
}

/**
 * `def` bound to `redis` so that every call made within one turn of the event loop runs in one
 * EVALSHA of its batch form ({@link perTurnDef}); a turn with one call runs the plain script.
 * Each call still gets its own answer or error, and calls run in the order they were made. For a
 * busy worker, whose every turn claims and finishes many messages: Redis pays its per-script
 * overhead once per turn instead of once per message (figures in docs/benchmarks.md). A call
 * waits at most for the rest of its turn.
 */
export function bindPerTurn(redis: RedisClient, def: ScriptDef): PerTurnScript {
  const single: BoundScript = bindScript(redis, def);
  const batch: BoundScript = bindScript(redis, perTurnDef(def));
  let pending: Pending[] = [];

  const flush = (): void => {
    const calls = pending;
    pending = [];
    if (calls.length === 1) {
      const [call] = calls as [Pending];
      single.run(call.keys, call.args).then(call.resolve, call.reject);
      return;
    }
    const keys: string[] = [];
    const args: ScriptArg[] = [calls.length];
    for (const call of calls) {
      keys.push(...call.keys);
      args.push(call.keys.length, call.args.length, ...call.args);
    }
    batch.run(keys, args).then(
      (answers) =>
        calls.forEach((call, i) => {
          // A run's error arrives as an Error element of the answer list.
          const answer = (answers as unknown[])[i];
          (answer instanceof Error ? call.reject : call.resolve)(answer);
        }),
      (err: unknown) => calls.forEach((call) => call.reject(err)),
    );
  };

  return {
    run: (keys, args) =>
      new Promise((resolve, reject) => {
        if (pending.length === 0) {
          setImmediate(flush);
        }
        pending.push({ keys, args, resolve, reject });
      }),
  };
}
