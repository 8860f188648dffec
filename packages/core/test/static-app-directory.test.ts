import { describe, expect, it } from '@jest/globals';
import { staticAppDirectory } from '../src/apps/app-directory';

describe('staticAppDirectory', () => {
  it('when apps are listed over several shards, then they are spread in order and all enabled', () => {
    const apps = ['wxa', 'wxb', 'wxc'].map((appId) => ({ appId, appSecret: `${appId}-secret` }));

    const directory = staticAppDirectory(apps, { shardCount: 2 });

    expect(directory.list().map((app) => [app.appId, app.shard, app.enabled])).toEqual([
      ['wxa', 0, true],
      ['wxb', 1, true],
      ['wxc', 0, true],
    ]);
    expect(directory.shardCount).toBe(2);
    expect(directory.secretOf('wxb')).toBe('wxb-secret');
    expect(directory.get('wxz')).toBeUndefined();
  });
});
