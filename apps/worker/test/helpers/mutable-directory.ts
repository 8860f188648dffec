import type { AppCredentials, AppDirectory, AppEntry } from '@wechat-dispatch/core';
import type { TestApp } from './stack';

/** An app directory a test changes by hand, telling listeners as the registry's poller does. */
export interface MutableDirectory extends AppDirectory, AppCredentials {
  set(entry: Partial<AppEntry> & { appId: string }): void;
}

/** A directory of `apps`, all enabled on shard 0, that {@link MutableDirectory.set} changes. */
export function mutableDirectory(apps: readonly TestApp[]): MutableDirectory {
  const entries = new Map<string, AppEntry>(
    apps.map(({ appId }) => [appId, { appId, shard: 0, enabled: true }]),
  );
  const secrets = new Map(apps.map((app) => [app.appId, app.appSecret]));
  const listeners = new Set<(appIds: readonly string[]) => void>();
  return {
    get: (appId) => entries.get(appId),
    list: () => [...entries.values()],
    shardCount: 1,
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    secretOf: (appId) => secrets.get(appId),
    eventCredentialsOf: () => undefined,
    set(entry) {
      const before = entries.get(entry.appId) ?? { appId: entry.appId, shard: 0, enabled: true };
      entries.set(entry.appId, { ...before, ...entry });
      listeners.forEach((listener) => listener([entry.appId]));
    },
  };
}
