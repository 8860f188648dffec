import { describe, expect, it } from '@jest/globals';
import { freshness } from '../src/access-token/freshness';

const DEFAULTS = { refreshMarginMaxMs: 300_000, refreshMarginRatio: 0.25, minRemainingMs: 5_000 };

describe('freshness', () => {
  describe('a normal 7200 s token', () => {
    it.each([
      [7_000_000, 'fresh'],
      [300_001, 'fresh'],
      [300_000, 'stale'],
      [60_000, 'stale'],
      [5_001, 'stale'],
      [5_000, 'cold'],
      [0, 'cold'],
      [-2, 'cold'],
    ] as const)(
      'when %i ms are left, then it is %s (5-minute margin, 5 s floor)',
      (left, expected) => {
        const state = freshness(left, 7200, DEFAULTS);

        expect(state).toBe(expected);
      },
    );
  });

  describe('a short stable token (expires_in 345)', () => {
    it.each([
      [345_000, 'fresh'],
      [86_251, 'fresh'],
      [86_250, 'stale'],
      [5_001, 'stale'],
    ] as const)(
      'when %i ms are left, then it is %s (margin = a quarter of its life)',
      (left, expected) => {
        expect(freshness(left, 345, DEFAULTS)).toBe(expected);
      },
    );
  });

  describe('a very short token', () => {
    it('when a 4 s token was just cached, then it is usable because the floor is capped at half the margin', () => {
      expect(freshness(3_900, 4, DEFAULTS)).toBe('fresh');
      expect(freshness(800, 4, DEFAULTS)).toBe('stale');
      expect(freshness(400, 4, DEFAULTS)).toBe('cold');
    });
  });

  describe('missing lifetime', () => {
    it('when expires_in is unknown, then the token is cold', () => {
      expect(freshness(100_000, undefined, DEFAULTS)).toBe('cold');
    });
  });
});
