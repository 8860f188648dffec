import { describe, expect, it } from '@jest/globals';
import { isMessageId, newMessageId, shardOfMessageId } from '../src/messages/message-id';

describe('newMessageId', () => {
  it('makes well-formed, distinct ids across many refills of its random pool', () => {
    const ids = Array.from({ length: 5000 }, () => newMessageId());
    expect(ids.every(isMessageId)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(ids.map((id) => id.slice(10))).size).toBe(ids.length);
  });

  it('sorts by creation time', () => {
    expect(newMessageId(1000) < newMessageId(2000)).toBe(true);
  });
});

describe('message ids of a shard', () => {
  it('keep the m form for shard 0 and name shard k in the n form of the same length', () => {
    const zero = newMessageId(1000, 0);
    const five = newMessageId(1000, 5);
    const last = newMessageId(1000, 63);

    expect(zero).toMatch(/^m/);
    expect(five).toMatch(/^n05/);
    expect(five).toHaveLength(zero.length);
    expect([zero, five, last].every(isMessageId)).toBe(true);
    expect([zero, five, last].map(shardOfMessageId)).toEqual([0, 5, 63]);
    expect(shardOfMessageId('x')).toBeUndefined();
  });
});
