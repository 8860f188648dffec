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
 * Drops a line below the logger's level before any later format sees it. winston itself filters
 * by level only in its transports, after every format has run; this format is that filter moved
 * to the front, so a disabled `http` or `debug` line is never redacted or stringified. It reads
 * the logger's level on every line, so a later `logger.level = …` applies, to children too.
 */
function enabledLevels(logger: () => Logger) {
  return winston.format((info) => (logger().isLevelEnabled(info.level) ? info : false))();
}

/**
 * A winston logger writing one JSON object per line to stdout, with `level`, `message`,
 * `timestamp`, `service`, the `traceId` a line or its child logger carries, and every secret
 * masked. Lines below the level cost no formatting; a hot call site that builds its metadata
 * can also ask first (`logger.isLevelEnabled('http')`).
 */
export function createLogger(options: LoggerOptions): Logger {
  const redactor = options.redactor ?? secretRedactor;
  const logger: Logger = winston.createLogger({
    level: options.level ?? 'info',
    silent: options.silent ?? false,
    defaultMeta: { service: options.service },
    format: winston.format.combine(
      enabledLevels(() => logger),
      winston.format.errors({ stack: true }),
      winston.format.timestamp(),
      redactFormat(redactor),
      winston.format.json(),
    ),
    transports: [new winston.transports.Console()],
  });
  return logger;
}
