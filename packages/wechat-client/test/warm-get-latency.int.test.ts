import { afterEach, describe, expect, it } from '@jest/globals';
import { APPS, TokenRig } from './helpers/token-rig';

const A = APPS[0]!;
const N = 10_000;

function percentile(sortedUs: number[], p: number): number {
  return sortedUs[Math.min(sortedUs.length - 1, Math.floor((sortedUs.length * p) / 100))]!;
}

/** Prints latency figures; timings are reported, never asserted. */
function report(label: string, samplesUs: number[]): void {
  const sorted = [...samplesUs].sort((a, b) => a - b);
  const fmt = (us: number): string => `${(us / 1000).toFixed(3)} ms`;
  process.stdout.write(
    `[warm-get] ${label}: n=${sorted.length} p50=${fmt(percentile(sorted, 50))} p99=${fmt(percentile(sorted, 99))} max=${fmt(sorted[sorted.length - 1]!)}\n`,
  );
}

describe('AccessTokenService', () => {
  let rig: TokenRig;

  afterEach(async () => {
    await rig.close();
  });

  describe('get on a warm cache', () => {
    it('when 10,000 gets run one after another, then each answers from Redis without calling WeChat (latency printed)', async () => {
      rig = await TokenRig.start();
      const [p] = await rig.spawnMany(1);
      const token = await p!.tokens.get(A.appId);
      const samples: number[] = [];

      for (let i = 0; i < N; i += 1) {
        const t0 = process.hrtime.bigint();
        const got = await p!.tokens.get(A.appId);
        samples.push(Number(process.hrtime.bigint() - t0) / 1000);
        if (got !== token) {
          throw new Error('token changed during a warm-cache run');
        }
      }

      report('sequential', samples);
      expect(rig.server.calls(A.appId)).toBe(1);
    });

    it('when 10,000 gets run 100 at a time, then none calls WeChat (latency printed)', async () => {
      rig = await TokenRig.start();
      const [p] = await rig.spawnMany(1);
      await p!.tokens.get(A.appId);
      const samples: number[] = [];

      for (let batch = 0; batch < N / 100; batch += 1) {
        await Promise.all(
          Array.from({ length: 100 }, async () => {
            const t0 = process.hrtime.bigint();
            await p!.tokens.get(A.appId);
            samples.push(Number(process.hrtime.bigint() - t0) / 1000);
          }),
        );
      }

      report('100 concurrent', samples);
      expect(rig.server.calls(A.appId)).toBe(1);
    });
  });
});
