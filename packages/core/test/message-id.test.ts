import { describe, expect, it } from '@jest/globals';
import { isMessageId, newMessageId } from '../src/messages/message-id';

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
