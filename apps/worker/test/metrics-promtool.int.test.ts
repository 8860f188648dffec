import { describe, expect, it } from '@jest/globals';
import { promtoolCheckMetrics } from '@wechat-dispatch/testkit';
import { createWorkerMetrics } from '../src/metrics';

describe("the worker's metrics, as Prometheus tooling reads them", () => {
  it("when the worker's metrics (with Node's process metrics) are checked by promtool, then they pass", async () => {
    const metrics = createWorkerMetrics([], 10);
    const text = await metrics.registry.metrics();

    expect(text).toContain('wxd_worker_nodejs_active_handles');
    expect(await promtoolCheckMetrics(text)).toEqual({ code: 0, output: '' });
  });
});
