import { describe, expect, it } from '@jest/globals';
import { MESSAGE_STATUSES } from '../src/records/record.schema';
import { STATUS_EDGES, canMove } from '../src/records/status-machine';

describe('STATUS_EDGES', () => {
  it('when a status is final, then nothing leaves it', () => {
    expect(
      ['delivered', 'undelivered', 'cancelled'].every(
        (s) => STATUS_EDGES[s as 'delivered'].length === 0,
      ),
    ).toBe(true);
  });

  it.each([
    ['sent', 'queued'],
    ['sent', 'sending'],
    ['delivered', 'sent'],
    ['cancelled', 'queued'],
    ['retrying', 'queued'],
    ['sending', 'queued'],
  ] as const)('when a record is %s, then it cannot go back to %s', (from, to) => {
    expect(canMove(from, to)).toBe(false);
  });

  it('when a dead letter is redriven, then dead → queued is the one way back', () => {
    // sending ⇄ retrying is the retry loop, one step of progress.
    const rank: Record<string, number> = {
      scheduled: 0,
      queued: 1,
      sending: 2,
      retrying: 2,
      sent: 3,
      dead: 3,
      cancelled: 3,
      delivered: 4,
      undelivered: 4,
    };

    const backwards = MESSAGE_STATUSES.flatMap((from) =>
      STATUS_EDGES[from].filter((to) => rank[to]! < rank[from]!).map((to) => `${from}→${to}`),
    );

    expect(backwards).toEqual(['dead→queued']);
  });
});
