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

  describe('configured and rolling secrets (issue #18, finding 9)', () => {
    it('when 2,000 and more access tokens were fetched since, then a configured app secret is still masked', () => {
      const redactor = new Redactor();
      redactor.registerSecret('app-secret-configured-at-start');

      for (let i = 0; i < 2500; i += 1) {
        redactor.registerRollingSecret(`fetched-access-token-${i}-xxxxxxxx`);
      }

      expect(redactor.redactString('token call with app-secret-configured-at-start failed')).toBe(
        `token call with ${REDACTED} failed`,
      );
      expect(redactor.redactString('fetched-access-token-2499-xxxxxxxx')).toBe(REDACTED);
      expect(redactor.redactString('fetched-access-token-0-xxxxxxxx')).toBe(
        'fetched-access-token-0-xxxxxxxx',
      );
      expect(redactor.knownSecrets).toEqual({ configured: 1, rolling: 2000 });
    });

    it('when a configured secret is shorter than 6 characters, then it is masked as a whole token only', () => {
      const redactor = new Redactor();
      redactor.registerSecret('k3y');

      expect(redactor.redactString('token k3y rejected')).toBe(`token ${REDACTED} rejected`);
      expect(redactor.redactString('{"token":"k3y"}')).toBe(`{"token":"${REDACTED}"}`);
      expect(redactor.redactString('?t=k3y&x=1')).toBe(`?t=${REDACTED}&x=1`);
      expect(redactor.redactString('monk3ys are fine')).toBe('monk3ys are fine');
      expect(redactor.redact({ note: 'k3y' })).toEqual({ note: REDACTED });
    });

    it('when a rolling token equals a configured secret, then the configured one is never forgotten', () => {
      const redactor = new Redactor();
      redactor.registerSecret('shared-value-0001');
      redactor.registerRollingSecret('shared-value-0001');

      for (let i = 0; i < 2001; i += 1) {
        redactor.registerRollingSecret(`rolling-token-${i}-yyyyyyyy`);
      }

      expect(redactor.redactString('shared-value-0001')).toBe(REDACTED);
    });

    it('when 10,000 secrets are registered, then each is masked and overlapping ones merge', () => {
      const redactor = new Redactor();
      for (let i = 0; i < 10_000; i += 1) {
        redactor.registerSecret(`cfg-secret-${String(i).padStart(5, '0')}-zz`);
      }
      redactor.registerSecret('cfg-secret-00042-zz-and-more');

      expect(redactor.redactString('a cfg-secret-09999-zz b cfg-secret-00000-zz c')).toBe(
        `a ${REDACTED} b ${REDACTED} c`,
      );
      expect(redactor.redactString('xcfg-secret-00042-zz-and-more!')).toBe(`x${REDACTED}!`);
      expect(redactor.knownSecrets.configured).toBe(10_001);
    });

    it('when secrets sharing a prefix are registered longest, shortest, then middle, then the longest one found is masked whole', () => {
      const redactor = new Redactor();
      ['prefix-abc-long-tail', 'prefix-abc', 'prefix-abc-long'].forEach((secret) =>
        redactor.registerSecret(secret),
      );

      expect(redactor.redactString('<prefix-abc-long-tail>')).toBe(`<${REDACTED}>`);
      expect(redactor.redactString('<prefix-abc-long>')).toBe(`<${REDACTED}>`);
      expect(redactor.redactString('<prefix-abc-x>')).toBe(`<${REDACTED}-x>`);
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
