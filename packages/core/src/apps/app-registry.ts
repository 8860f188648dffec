import {
  secretRedactor,
  type Keyspace,
  type Logger,
  type RedisClient,
} from '@wechat-dispatch/shared';
import type { AppCredentials, AppDirectory, AppEntry } from './app-directory';
import { entryOf, parseStoredApp, type StoredApp } from './app-record';
import { openApp } from './seal-app';
import type { SecretBox } from './secret-box';
import { registryKeys, type RegistryKeys } from './registry-keys';

/** Options of {@link openAppRegistry}. */
export interface AppRegistryOptions {
  /** A connection of the process (reads only). */
  redis: RedisClient;
  keyspace: Keyspace;
  box: SecretBox;
  logger: Logger;
  /** How often the version is read, in ms. @defaultValue 1000 */
  pollIntervalMs?: number;
  /** Apps read per HSCAN/HMGET call. @defaultValue 1000 */
  batchSize?: number;
}

/** The registry as a process sees it: a directory and credentials kept current. */
export interface AppRegistry extends AppDirectory, AppCredentials {
  /** Loads every app, then polls for changes. Resolves once the first load is done. */
  start(): Promise<void>;
  /** Reads the changes since the last poll now (tests; the poller does the same). */
  refresh(): Promise<void>;
  /** The registry version this process has applied. */
  readonly version: number;
  /** Stops polling. */
  close(): void;
}

interface KnownApp {
  entry: AppEntry;
  appSecret?: string;
  event?: { token: string; encodingAESKey?: string };
}

/**
 * The apps of the Redis registry in memory, kept current by polling: while nothing changes a
 * poll is one `GET` of the version (flat in the number of apps); after a change it reads the
 * change log from the last version it applied and only the apps that changed. The first load
 * reads the whole hash with HSCAN in batches. Secrets are decrypted here, held in memory only
 * and registered with the logger's redactor. Listeners of `onChange` get the ids that changed.
 */
export function openAppRegistry(options: AppRegistryOptions): AppRegistry {
  return new RedisAppRegistry(options);
}

class RedisAppRegistry implements AppRegistry {
  readonly shardCount = 1;
  version = 0;
  private readonly keys: RegistryKeys;
  private readonly apps = new Map<string, KnownApp>();
  private readonly listeners = new Set<(appIds: readonly string[]) => void>();
  private timer?: NodeJS.Timeout;
  private closed = false;
  private polling?: Promise<void>;

  constructor(private readonly options: AppRegistryOptions) {
    this.keys = registryKeys(options.keyspace);
  }

  get(appId: string): AppEntry | undefined {
    return this.apps.get(appId)?.entry;
  }

  list(): readonly AppEntry[] {
    return [...this.apps.values()].map((app) => app.entry);
  }

  onChange(listener: (appIds: readonly string[]) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  secretOf(appId: string): string | undefined {
    return this.apps.get(appId)?.appSecret;
  }

  eventCredentialsOf(appId: string): { token: string; encodingAESKey?: string } | undefined {
    return this.apps.get(appId)?.event;
  }

  async start(): Promise<void> {
    await this.loadAll();
    this.schedule();
  }

  refresh(): Promise<void> {
    // One poll at a time: a manual refresh joins the running one.
    this.polling ??= this.poll().finally(() => (this.polling = undefined));
    return this.polling;
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
  }

  private schedule(): void {
    if (this.closed) {
      return;
    }
    this.timer = setTimeout(() => {
      this.refresh()
        .catch((err: unknown) => this.options.logger.warn('app registry poll failed', { err }))
        .finally(() => this.schedule());
    }, this.options.pollIntervalMs ?? 1000);
    this.timer.unref();
  }

  private async poll(): Promise<void> {
    const version = Number((await this.options.redis.get(this.keys.version)) ?? 0);
    if (version === this.version) {
      return;
    }
    if (version < this.version) {
      // The registry was reset under us (keys deleted): start over.
      await this.loadAll();
      return;
    }
    const ids = await this.options.redis.zrangebyscore(
      this.keys.changes,
      `(${this.version}`,
      version,
    );
    await this.apply(ids);
    this.version = version;
  }

  private async loadAll(): Promise<void> {
    // The version first: a write during the scan is read again by the next poll.
    const version = Number((await this.options.redis.get(this.keys.version)) ?? 0);
    const seen = new Set<string>();
    let cursor = '0';
    do {
      const [next, flat] = await this.options.redis.hscan(
        this.keys.apps,
        cursor,
        'COUNT',
        this.options.batchSize ?? 1000,
      );
      cursor = next;
      for (let i = 0; i + 1 < flat.length; i += 2) {
        seen.add(flat[i]!);
        this.store(flat[i]!, parseStoredApp(flat[i + 1]));
      }
    } while (cursor !== '0');
    const gone = [...this.apps.keys()].filter((appId) => !seen.has(appId));
    gone.forEach((appId) => this.apps.delete(appId));
    this.version = version;
    this.emit([...seen, ...gone]);
  }

  private async apply(ids: readonly string[]): Promise<void> {
    const batch = this.options.batchSize ?? 1000;
    for (let i = 0; i < ids.length; i += batch) {
      const slice = ids.slice(i, i + batch);
      const values = await this.options.redis.hmget(this.keys.apps, ...slice);
      slice.forEach((appId, j) => this.store(appId, parseStoredApp(values[j])));
    }
    this.emit(ids);
  }

  private store(appId: string, app: StoredApp | undefined): void {
    if (app === undefined) {
      this.apps.delete(appId);
      return;
    }
    this.apps.set(appId, this.known(app));
  }

  private known(app: StoredApp): KnownApp {
    const entry = entryOf(app);
    try {
      const secrets = openApp(this.options.box, app);
      [secrets.appSecret, secrets.eventToken, secrets.encodingAesKey].forEach((secret) =>
        secretRedactor.registerSecret(secret),
      );
      const event =
        secrets.eventToken === undefined
          ? undefined
          : { token: secrets.eventToken, encodingAESKey: secrets.encodingAesKey };
      return { entry, appSecret: secrets.appSecret, event };
    } catch (err: unknown) {
      // Known but unusable until its secret is written again under a key this process has.
      this.options.logger.error('app registry secret cannot be decrypted', {
        appId: app.appId,
        err,
      });
      return { entry };
    }
  }

  private emit(appIds: readonly string[]): void {
    if (appIds.length === 0) {
      return;
    }
    for (const listener of this.listeners) {
      try {
        listener(appIds);
      } catch (err: unknown) {
        this.options.logger.warn('app registry listener failed', { err });
      }
    }
  }
}
