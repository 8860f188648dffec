import type { AppDirectory, AppEntry } from '@wechat-dispatch/core';

/** An app directory a test changes by hand, telling listeners as the registry's poller does. */
export interface MutableDirectory extends AppDirectory {
  set(entry: Partial<AppEntry> & { appId: string }): void;
}

/** A directory of `appIds`, all enabled on shard 0, that {@link MutableDirectory.set} changes. */
export function mutableDirectory(appIds: readonly string[]): MutableDirectory {
  const entries = new Map<string, AppEntry>(
    appIds.map((appId) => [appId, { appId, shard: 0, enabled: true }]),
  );
  const listeners = new Set<(appIds: readonly string[]) => void>();
  return {
    get: (appId) => entries.get(appId),
    list: () => [...entries.values()],
    shardCount: 1,
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    set(entry) {
      const before = entries.get(entry.appId) ?? { appId: entry.appId, shard: 0, enabled: true };
      entries.set(entry.appId, { ...before, ...entry });
      listeners.forEach((listener) => listener([entry.appId]));
    },
  };
}
