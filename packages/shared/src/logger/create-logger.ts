import winston from 'winston';
import { secretRedactor, type Redactor } from './redactor';

export type Logger = winston.Logger;

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  /** Name of the process (`api`, `worker`, `sandbox`), written on every line. */
  service: string;
  /** winston level. @defaultValue 'info' */
  level?: string;
  /** Drop every line; tests use it unless LOG_LEVEL is set. @defaultValue false */
  silent?: boolean;
  /** Where secrets are masked. @defaultValue the process-wide {@link secretRedactor} */
  redactor?: Redactor;
}

function redactFormat(redactor: Redactor) {
  return winston.format((info) => {
    const clean = redactor.redact({ ...info });
    for (const key of Object.keys(clean)) {
      info[key] = clean[key];
    }
    // Fields an error carried (errcode, stack…) come back as plain values; message stays a string.
    if (typeof info.message !== 'string') {
      info.message = JSON.stringify(info.message);
    }
    return info;
  })();
}

/**
 * A winston logger writing one JSON object per line to stdout, with `level`, `message`,
 * `timestamp`, `service`, the `traceId` a line or its child logger carries, and every secret
 * masked.
 */
export function createLogger(options: LoggerOptions): Logger {
  const redactor = options.redactor ?? secretRedactor;
  const logger = winston.createLogger({
    level: options.level ?? 'info',
    silent: options.silent ?? false,
    defaultMeta: { service: options.service },
    format: winston.format.combine(
      winston.format.errors({ stack: true }),
      winston.format.timestamp(),
      redactFormat(redactor),
      winston.format.json(),
    ),
    transports: [new winston.transports.Console()],
  });
  skipDisabledLevels(logger);
  return logger;
}

/**
 * winston formats (redacts, stringifies) every line before its transport drops the ones below
 * the level, so a per-request `http` or `debug` line costs nearly as much as a written one.
 * Each level method checks the level first; a later `logger.level = …` still applies, and
 * children (whose prototype is the logger) keep their own meta.
 */
function skipDisabledLevels(logger: Logger): void {
  const methods = logger as unknown as Record<string, (...args: unknown[]) => Logger>;
  for (const level of Object.keys(logger.levels)) {
    const write = methods[level];
    if (typeof write !== 'function') {
      continue;
    }
    methods[level] = function (this: Logger | undefined, ...args: unknown[]): Logger {
      const self = this ?? logger;
      return self.isLevelEnabled(level) ? write.apply(self, args) : self;
    };
  }
}
