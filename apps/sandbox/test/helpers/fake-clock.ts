/** A clock tests move by hand, so windows and expiries need no waiting. */
export interface FakeClock {
  now: () => number;
  advance(ms: number): void;
}

/** A fake clock starting at a fixed instant (2026-11-26T02:00:00Z, 10:00 CST). */
export function fakeClock(start = Date.UTC(2026, 10, 26, 2, 0, 0)): FakeClock {
  let t = start;
  return {
    now: () => t,
    advance: (ms) => {
      t += ms;
    },
  };
}
