import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';

const ROOT = path.resolve(__dirname, '../../..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

/** Every metric name apps/api and apps/worker register (`name: 'wxd_…'`). */
function exportedMetrics(): Set<string> {
  const names = new Set<string>();
  for (const file of ['apps/api/src/metrics.ts', 'apps/worker/src/metrics.ts']) {
    for (const m of read(file).matchAll(/name:\s*'(wxd_[a-z0-9_]+)'/g)) {
      names.add(m[1]!);
    }
  }
  return names;
}

interface Panel {
  title: string;
  targets?: Array<{ expr: string }>;
}

describe('deploy/grafana/wechat-dispatch-dashboard.json', () => {
  const dashboard = JSON.parse(read('deploy/grafana/wechat-dispatch-dashboard.json')) as {
    panels: Panel[];
    templating: { list: Array<{ definition?: string }> };
  };

  it('when its queries are read, then every metric they name is one the services export', () => {
    const exported = exportedMetrics();
    const expressions = [
      ...dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr)),
      ...dashboard.templating.list.map((v) => v.definition ?? ''),
    ];
    const named = expressions.flatMap((expr) =>
      [...expr.matchAll(/\b(wxd_[a-z0-9_]+)/g)].map((m) =>
        m[1]!.replace(/_(bucket|count|sum)$/, ''),
      ),
    );

    expect(named.length).toBeGreaterThan(10);
    expect([...new Set(named)].filter((name) => !exported.has(name))).toEqual([]);
  });

  it('when its panels are listed, then each has a title and a query, and the archive lag is one of them', () => {
    expect(dashboard.panels.every((p) => p.title && (p.targets ?? []).length > 0)).toBe(true);
    expect(dashboard.panels.map((p) => p.targets![0]!.expr).join('\n')).toContain(
      'wxd_archive_changes_waiting',
    );
  });
});
