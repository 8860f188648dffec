import type { RedisClient } from '@wechat-dispatch/shared';

/**
 * The Lua of a script that runs `singleLua` (a script written for one record, reading `KEYS`
 * and `ARGV`) once per record it is given, in order, and answers the list of their answers.
 * Each run sees only its own keys and arguments, so each behaves exactly as the single script
 * would — an error stops only its own run and becomes its answer, as it would have been its own
 * call's (Redis does not roll a script back) — and all of it is one EVALSHA.
 *
 * KEYS: every run's keys, in order.
 * ARGV: the number of runs, then per run: its key count, its argument count, its arguments.
 */
export function perRecordLua(singleLua: string): string {
  return `
local function one(KEYS, ARGV)
${singleLua}
end
local answers = {}
local k = 1
local a = 2
for r = 1, tonumber(ARGV[1]) do
  local nKeys = tonumber(ARGV[a])
  local nArgs = tonumber(ARGV[a + 1])
  local ok, answer = pcall(one, {unpack(KEYS, k, k + nKeys - 1)}, {unpack(ARGV, a + 2, a + 1 + nArgs)})
  if ok then
    answers[r] = answer
  elseif type(answer) == 'table' and answer.err then
    answers[r] = answer
  else
    answers[r] = redis.error_reply(tostring(answer))
  end
  k = k + nKeys
  a = a + 2 + nArgs
end
return answers
`;
}

type ScriptCommand = (...keysAndArgs: string[]) => Promise<unknown>;

interface Pending {
  keys: readonly string[];
  args: readonly string[];
  resolve: (answer: unknown) => void;
  reject: (err: unknown) => void;
}

/**
 * A Lua script about one record. With `perTurn`, the calls of one event-loop turn run in one
 * EVALSHA ({@link perRecordLua}; a turn with one call runs the plain script): on this host Redis
 * spends ≈ 35 µs on every script call besides the commands it runs (INFO commandstats), so a
 * busy worker whose turn claims or finishes ten messages saves most of that ten times over, and
 * a call waits at most for the end of its turn. Without it, every call is its own EVALSHA.
 */
export class RecordScript {
  private pending: Pending[] = [];
  private readonly single: ScriptCommand;
  private readonly batch: ScriptCommand;

  /**
   * Defines `name` (the single script, `numberOfKeys` fixed) and `name`PerTurn (the batch) on
   * `redis`, once per connection.
   */
  constructor(
    redis: RedisClient,
    name: string,
    numberOfKeys: number,
    singleLua: string,
    private readonly perTurn: boolean,
  ) {
    const batchName = `${name}PerTurn`;
    if (!(name in redis)) {
      redis.defineCommand(name, { numberOfKeys, lua: singleLua });
    }
    if (!(batchName in redis)) {
      // No numberOfKeys: it varies with the batch, so it is the first argument.
      redis.defineCommand(batchName, { lua: perRecordLua(singleLua) });
    }
    const commands = redis as unknown as Record<string, ScriptCommand>;
    this.single = commands[name]!.bind(redis);
    this.batch = commands[batchName]!.bind(redis);
  }

  /** The script's answer for these keys and arguments (with `perTurn`, once its turn's batch has run). */
  run(keys: readonly string[], args: readonly string[]): Promise<unknown> {
    if (!this.perTurn) {
      return this.single(...keys, ...args);
    }
    return new Promise((resolve, reject) => {
      if (this.pending.length === 0) {
        setImmediate(() => this.flush());
      }
      this.pending.push({ keys, args, resolve, reject });
    });
  }

  private flush(): void {
    const calls = this.pending;
    this.pending = [];
    if (calls.length === 1) {
      const [call] = calls as [Pending];
      this.single(...call.keys, ...call.args).then(call.resolve, call.reject);
      return;
    }
    const keys: string[] = [];
    const args: string[] = [String(calls.length)];
    for (const call of calls) {
      keys.push(...call.keys);
      args.push(String(call.keys.length), String(call.args.length), ...call.args);
    }
    this.batch(String(keys.length), ...keys, ...args).then(
      (answers) =>
        calls.forEach((call, i) => {
          // A run's error arrives as an Error element of the answer list.
          const answer = (answers as unknown[])[i];
          (answer instanceof Error ? call.reject : call.resolve)(answer);
        }),
      (err: unknown) => calls.forEach((call) => call.reject(err)),
    );
  }
}
