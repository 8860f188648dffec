import { describe, expect, it } from '@jest/globals';
import { Writable } from 'node:stream';
import winston from 'winston';
import { createLogger } from '../src/logger/create-logger';
import { Redactor } from '../src/logger/redactor';

/** A logger whose lines land in `lines`, and a redactor that counts how often it runs. */
function capture(level: string) {
  const lines: Array<Record<string, unknown>> = [];
  const redactor = new Redactor();
  let redactions = 0;
  const redact = redactor.redact.bind(redactor);
  redactor.redact = ((value: unknown) => {
    redactions += 1;
    return redact(value);
  }) as typeof redactor.redact;
  const logger = createLogger({ service: 'test', level, redactor });
  logger.clear();
  logger.add(
    new winston.transports.Stream({
      stream: new Writable({
        write(chunk: Buffer, _enc, done) {
          lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
          done();
        },
      }),
    }),
  );
  return { logger, lines, redactions: () => redactions };
}

describe('createLogger', () => {
  it('does not format lines below its level, and writes the others', () => {
    const { logger, lines, redactions } = capture('info');
    logger.debug('not written', { n: 1 });
    logger.http('not written either');
    expect(redactions()).toBe(0);
    logger.info('written', { n: 2 });
    expect(redactions()).toBe(1);
    expect(lines).toEqual([expect.objectContaining({ level: 'info', message: 'written', n: 2 })]);
  });

  it('follows a level changed at run time', () => {
    const { logger, lines } = capture('warn');
    logger.info('dropped');
    logger.level = 'debug';
    logger.debug('kept');
    expect(lines.map((line) => line.message)).toEqual(['kept']);
  });

  it('applies a level changed at run time to existing children too', () => {
    const { logger, lines } = capture('info');
    const child = logger.child({ component: 'c2' });
    child.debug('dropped');
    logger.level = 'debug';
    child.debug('kept');
    expect(lines).toEqual([expect.objectContaining({ message: 'kept', component: 'c2' })]);
  });

  it('keeps the meta of child loggers', () => {
    const { logger, lines } = capture('info');
    logger.child({ component: 'c1' }).info('from the child');
    logger.child({ component: 'c1' }).debug('below the level');
    expect(lines).toEqual([
      expect.objectContaining({ message: 'from the child', component: 'c1', service: 'test' }),
    ]);
  });
});
