import { describe, it, expect } from '@jest/globals';
import { createSandboxState } from '../src';
import { DeliveryStore } from '../src/state/delivery-store';
import { DedupeStore } from '../src/state/dedupe-store';
import { cstDay } from '../src/state/daily-counter';
import { fakeClock } from './helpers/fake-clock';
import type { SandboxMessage } from '../src';

function message(i: number): SandboxMessage {
  return {
    appid: 'wx1',
    api: 'template',
    touser: `oUser${i}`,
    template_id: 'T',
    data: {},
    msgid: String(i),
    at: new Date(0).toISOString(),
    status: 'success',
  };
}

describe('sandbox stores', () => {
  it('when more deliveries arrive than the cap, then the oldest are dropped and lookups follow', () => {
    const store = new DeliveryStore(() => 1_000);

    for (let i = 0; i < 5_000; i += 1) {
      store.add(message(i));
    }

    expect(store.size).toBe(1_000);
    expect(store.list({ limit: 1 })[0]?.msgid).toBe('4999');
    expect(store.list().at(-1)?.msgid).toBe('4000');
    expect(store.get('3999')).toBeUndefined();
    expect(store.get('4000')).toBeDefined();
  });

  it('when dedupe entries age past the window, then they are pruned', () => {
    const clock = fakeClock();
    const store = new DedupeStore(clock.now, () => 600_000);
    store.remember('wx1', 'oA', 'c1', 1n);

    clock.advance(300_000);
    const inside = store.find('wx1', 'oA', 'c1');
    clock.advance(300_000);
    const outside = store.find('wx1', 'oA', 'c1');

    expect(inside).toBe(1n);
    expect(outside).toBeUndefined();
  });

  it('when the clock crosses 00:00 China Standard Time, then the quota day changes', () => {
    const beforeMidnight = Date.UTC(2026, 10, 26, 15, 59, 59);

    expect(cstDay(beforeMidnight + 1_000)).toBe(cstDay(beforeMidnight) + 1);
  });

  it('when apps are empty or duplicated, then the state refuses to build', () => {
    expect(() => createSandboxState({ apps: [] })).toThrow(/at least one app/);
    expect(() =>
      createSandboxState({
        apps: [
          { appId: 'a', appSecret: 'b' },
          { appId: 'a', appSecret: 'c' },
        ],
      }),
    ).toThrow(/twice/);
  });
});
