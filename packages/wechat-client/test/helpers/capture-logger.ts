import { Writable } from 'node:stream';
import { createLogger, type Logger } from '@wechat-dispatch/shared';

/** A logger built like production (redaction included) whose JSON lines are kept in memory. */
export interface CapturedLogger {
  logger: Logger;
  lines: string[];
  text(): string;
}

/** Builds a debug-level logger that writes every formatted line into `lines`. */
export function captureLogger(): CapturedLogger {
  const lines: string[] = [];
  const logger = createLogger({ service: 'wechat-client-test', level: 'debug' });
  const sink = Object.assign(
    new Writable({
      objectMode: true,
      write(info: Record<string | symbol, unknown>, _enc, done) {
        const line = info[Symbol.for('message')];
        lines.push(typeof line === 'string' ? line : JSON.stringify(info));
        done();
      },
    }),
    // winston checks log.length to tell modern transports from legacy ones.
    { log: (_info: unknown, next: () => void) => next() },
  );
  logger.clear();
  logger.add(sink);
  return { logger, lines, text: () => lines.join('\n') };
}
