import type { z } from 'zod';

/** Thrown when the environment does not describe a runnable process; one line per problem. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'ConfigError';
  }
}

/**
 * Parses `env` with a zod object schema whose keys are the variable names.
 * @throws ConfigError naming every bad variable
 */
export function parseEnv<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) {
    return result.data;
  }
  const problems = result.error.issues.map((issue) => {
    const variable = issue.path.length > 0 ? String(issue.path[0]) : 'environment';
    return `config error: ${variable}: ${issue.message}`;
  });
  throw new ConfigError([...new Set(problems)]);
}

/**
 * Parses `env` with several schemas at once (e.g. the process's own variables and the Redis
 * topology), so that every bad variable is named in one go.
 * @throws ConfigError naming every bad variable of every schema
 */
export function parseEnvParts<P extends Record<string, z.ZodType>>(
  parts: P,
  env: NodeJS.ProcessEnv,
): { [K in keyof P]: z.infer<P[K]> } {
  const out: Partial<{ [K in keyof P]: z.infer<P[K]> }> = {};
  const problems: string[] = [];
  for (const [name, schema] of Object.entries(parts) as Array<[keyof P, P[keyof P]]>) {
    try {
      out[name] = parseEnv(schema, env);
    } catch (err) {
      if (!(err instanceof ConfigError)) {
        throw err;
      }
      problems.push(...err.problems);
    }
  }
  if (problems.length > 0) {
    throw new ConfigError(problems);
  }
  return out as { [K in keyof P]: z.infer<P[K]> };
}

/**
 * Calls `load`; on a {@link ConfigError} prints its lines to stderr and exits 1 before anything
 * connects.
 */
export function loadConfigOrExit<T>(load: () => T): T {
  try {
    return load();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.problems.join('\n')}\n`);
      process.exit(1);
    }
    throw err;
  }
}
