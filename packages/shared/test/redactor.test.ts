import { describe, expect, it } from '@jest/globals';
import { Writable } from 'node:stream';
import winston from 'winston';
import { REDACTED, Redactor } from '../src/logger/redactor';
import { createLogger } from '../src/logger/create-logger';

describe('Redactor', () => {
  describe('redactString', () => {
    it('when a URL carries access_token or secret, then the values are masked', () => {
      const redactor = new Redactor();

      const out = redactor.redactString(
        'GET https://api.weixin.qq.com/cgi-bin/token?grant_type=x&appid=wx1&secret=s3cr3tvalue and /send?access_token=TOKEN123456',
      );

      expect(out).not.toContain('s3cr3tvalue');
      expect(out).not.toContain('TOKEN123456');
      expect(out).toContain(`secret=${REDACTED}`);
      expect(out).toContain(`access_token=${REDACTED}`);
    });

    it('when a registered secret appears anywhere in a string, then it is masked', () => {
      const redactor = new Redactor();
      redactor.registerSecret('registered-secret-value');

      const out = redactor.redactString('failed with registered-secret-value inside');

      expect(out).toBe(`failed with ${REDACTED} inside`);
    });
  });

  describe('redact', () => {
    it('when an object has secret keys at any depth, then their values are masked and the rest kept', () => {
      const redactor = new Redactor();

      const out = redactor.redact({
        appId: 'wx1',
        appSecret: 'abcdef123',
        nested: { access_token: 'tok-123456', list: [{ Authorization: 'Bearer k' }] },
      });

      expect(out).toEqual({
        appId: 'wx1',
        appSecret: REDACTED,
        nested: { access_token: REDACTED, list: [{ Authorization: REDACTED }] },
      });
    });

    it('when an error carries axios-like config, then config is dropped and the message masked', () => {
      const redactor = new Redactor();
      const err = Object.assign(new Error('failed /send?access_token=tok-abcdef'), {
        config: { url: '/send?access_token=tok-abcdef' },
        code: 'ECONNRESET',
      });

      const out = JSON.stringify(redactor.redact({ err }));

      expect(out).not.toContain('tok-abcdef');
      expect(out).toContain('ECONNRESET');
    });
  });
});

describe('createLogger', () => {
  function capture(): { lines: string[]; stream: Writable } {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _enc, cb) {
        lines.push(...chunk.toString().split('\n').filter(Boolean));
        cb();
      },
    });
    return { lines, stream };
  }

  it('when it logs a line of a trace, then the JSON line has level, message, timestamp, service, traceId and no secret', () => {
    const redactor = new Redactor();
    redactor.registerSecret('my-app-secret-1');
    const logger = createLogger({ service: 'test', redactor });
    const { lines, stream } = capture();
    logger.clear().add(new winston.transports.Stream({ stream }));

    logger
      .child({ traceId: 'trace-1' })
      .info('token fetched', { detail: 'secret my-app-secret-1', token: 'x' });

    const line = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(line).toMatchObject({
      level: 'info',
      message: 'token fetched',
      service: 'test',
      traceId: 'trace-1',
      token: REDACTED,
    });
    expect(typeof line.timestamp).toBe('string');
    expect(lines[0]).not.toContain('my-app-secret-1');
  });
});
