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
