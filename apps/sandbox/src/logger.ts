/** Levels in npm order: a logger at `info` writes `error`, `warn` and `info`. */
const LEVELS = ['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly'] as const;

/** One of the npm log levels winston uses elsewhere in the project. */
export type LogLevel = (typeof LEVELS)[number];

/** Minimal structured logger; the sandbox imports nothing of ours, so it has its own. */
export interface SandboxLogger {
  error(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
  info(message: string, meta?: Record<string, unknown>): void;
  debug(message: string, meta?: Record<string, unknown>): void;
}

/** True when `value` names a known log level. */
export function isLogLevel(value: string): value is LogLevel {
  return (LEVELS as readonly string[]).includes(value);
}

/**
 * A logger writing one JSON object per line (`level`, `message`, `timestamp`, `service`, meta)
 * to stdout. Callers never pass secrets or tokens in `meta`; nothing here redacts them.
 *
 * @param level - the most verbose level written; `'silent'` writes nothing.
 */
export function createSandboxLogger(level: LogLevel | 'silent' = 'info'): SandboxLogger {
  const max = level === 'silent' ? -1 : LEVELS.indexOf(level);
  const write = (lvl: LogLevel, message: string, meta?: Record<string, unknown>): void => {
    if (LEVELS.indexOf(lvl) > max) {
      return;
    }
    const line = { level: lvl, message, timestamp: new Date().toISOString(), service: 'sandbox' };
    process.stdout.write(`${JSON.stringify({ ...meta, ...line })}\n`);
  };
  return {
    error: (m, meta) => write('error', m, meta),
    warn: (m, meta) => write('warn', m, meta),
    info: (m, meta) => write('info', m, meta),
    debug: (m, meta) => write('debug', m, meta),
  };
}
