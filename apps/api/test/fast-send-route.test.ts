import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from '@jest/globals';
import { takesFastPath } from '../src/http/fast-send-route';

const LIMIT = 1024 * 1024;

/** The request line and headers of a request, as Node parsed them. */
function parsed(
  headers: Record<string, string>,
  method = 'POST',
  url = '/v1/messages',
): IncomingMessage {
  return { method, url, headers } as unknown as IncomingMessage;
}

const json = { 'content-type': 'application/json', 'content-length': '120' };

describe('takesFastPath', () => {
  it.each([
    ['application/json', json],
    [
      'application/json; charset=utf-8',
      { ...json, 'content-type': 'application/json; charset=utf-8' },
    ],
    [
      'APPLICATION/JSON;charset="UTF-8"',
      { ...json, 'content-type': 'APPLICATION/JSON;charset="UTF-8"' },
    ],
    ['a body of exactly the limit', { ...json, 'content-length': String(LIMIT) }],
  ])('when POST /v1/messages has %s, then the fast path takes it', (_name, headers) => {
    expect(takesFastPath(parsed(headers), LIMIT)).toBe(true);
  });

  it.each([
    ['another method', parsed(json, 'PUT')],
    ['another path', parsed(json, 'POST', '/v1/messages/batch')],
    ['a trailing slash', parsed(json, 'POST', '/v1/messages/')],
    ['a query string', parsed(json, 'POST', '/v1/messages?x=1')],
    [
      'a chunked body',
      parsed({ 'content-type': 'application/json', 'transfer-encoding': 'chunked' }),
    ],
    ['a gzip body', parsed({ ...json, 'content-encoding': 'gzip' })],
    ['another charset', parsed({ ...json, 'content-type': 'application/json; charset=latin1' })],
    ['another media type', parsed({ ...json, 'content-type': 'text/plain' })],
    ['no content type', parsed({ 'content-length': '120' })],
    ['an empty body', parsed({ ...json, 'content-length': '0' })],
    ['no length', parsed({ 'content-type': 'application/json' })],
    ['a body over the limit', parsed({ ...json, 'content-length': String(LIMIT + 1) })],
  ])('when the request has %s, then Express answers it', (_name, req) => {
    expect(takesFastPath(req, LIMIT)).toBe(false);
  });
});
