import { describe, expect, it } from '@jest/globals';
import { canonicalJson, requestFingerprint } from '../src/domain/request-fingerprint';

describe('requestFingerprint', () => {
  it('when two bodies differ only in key order, then their fingerprints are equal', () => {
    const a = { type: 'template', data: { b: { value: '2' }, a: '1' }, list: [1, { y: 1, x: 2 }] };
    const b = { list: [1, { x: 2, y: 1 }], data: { a: '1', b: { value: '2' } }, type: 'template' };

    expect(requestFingerprint('messages.create', a)).toBe(requestFingerprint('messages.create', b));
  });

  it.each([
    ['a value', { toUser: 'a' }, { toUser: 'b' }],
    ['an array order', { ids: [1, 2] }, { ids: [2, 1] }],
    ['a field', { a: 1 }, { a: 1, b: 2 }],
  ])('when two bodies differ in %s, then their fingerprints differ', (_what, a, b) => {
    expect(requestFingerprint('op', a)).not.toBe(requestFingerprint('op', b));
  });

  it('when the same body is sent to two operations, then the fingerprints differ', () => {
    expect(requestFingerprint('messages.create', { a: 1 })).not.toBe(
      requestFingerprint('messages.batch', { a: 1 }),
    );
  });

  it('when a field is undefined, then it counts as absent', () => {
    expect(canonicalJson({ a: 1, b: undefined })).toBe(canonicalJson({ a: 1 }));
  });
});
