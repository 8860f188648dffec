import { join } from 'node:path';
import {
  bindScript,
  luaScript,
  type BoundScript,
  type Keyspace,
  type RedisClient,
  type SendShards,
} from '@wechat-dispatch/shared';
import type { AppKind } from './app-directory';
import type { AppInput, AppView, StoredApp } from './app-record';
import { parseStoredApp, viewOf } from './app-record';
import { sealApp, sameSecret, resealApp } from './seal-app';
import type { SecretBox } from './secret-box';
import { appKeys } from './app-keys';
import { pendingMessagesOf } from './pending-messages';
import { registryKeys, type RegistryKeys } from './registry-keys';

const APP_WRITE = luaScript(join(__dirname, 'app-write.lua'));
const APP_DELETE = luaScript(join(__dirname, 'app-delete.lua'));

/** Compare-and-set rounds before a write gives up (only concurrent writers of one app retry). */
const MAX_WRITE_ROUNDS = 20;

/** What {@link AppRegistryStore.remove} did. */
export type RemoveResult =
  | { removed: true }
  | { removed: false; reason: 'not_found' }
  | { removed: false; reason: 'pending'; pending: number };

/** A page of apps in appId order, with the cursor of the next page (none after the last). */
export interface AppPage {
  apps: AppView[];
  nextCursor?: string;
}

/** Options of {@link AppRegistryStore}. */
export interface AppRegistryStoreOptions {
  redis: RedisClient;
  keyspace: Keyspace;
  box: SecretBox;
  /**
   * The send shards (`SEND_SHARDS`): an app's pending counter is under its shard's tag.
   * @defaultValue one shard, the registry's own keyspace
   */
  shards?: SendShards;
  now?: () => Date;
}

/**
 * The writes and operator reads of the app registry in Redis (`{prefix}:apps`): each write is
 * one compare-and-set script that also bumps the version and the change log, so every process's
 * {@link openAppRegistry} sees it at its next poll. Every write seals each secret again with the
 * current key, so after a key rotation an app's next write moves it to the new key.
 */
export class AppRegistryStore {
  private readonly keys: RegistryKeys;
  private readonly write: BoundScript;
  private readonly del: BoundScript;
  private readonly now: () => Date;

  constructor(private readonly options: AppRegistryStoreOptions) {
    this.keys = registryKeys(options.keyspace);
    this.write = bindScript(options.redis, APP_WRITE);
    this.del = bindScript(options.redis, APP_DELETE);
    this.now = options.now ?? (() => new Date());
  }

  /** Creates or replaces an app (its `enabled`, shard and creation time are kept). */
  async put(appId: string, input: AppInput): Promise<{ created: boolean; app: AppView }> {
    const { box } = this.options;
    return this.update(appId, (current) => {
      const at = this.now().toISOString();
      const unchanged = current !== undefined && sameSecret(box, current, input.appSecret);
      const next: StoredApp = {
        ...sealApp(box, appId, input),
        appId,
        shard: current?.shard ?? 0,
        enabled: current?.enabled ?? true,
        secretChangedAt: unchanged ? current.secretChangedAt : at,
        createdAt: current?.createdAt ?? at,
        updatedAt: at,
        origin: 'operator',
      };
      return next;
    }).then((result) => {
      const app = result.app!;
      return { created: result.previous === undefined, app: viewOf(app) };
    });
  }

  /**
   * Adds or updates an Open Platform authorizer (its token comes from the component), enabled
   * unless `enabled: false` (permissions that do not allow sending). Its settings an operator
   * gave (rate, consent exemption) are kept.
   */
  async putAuthorizer(
    appId: string,
    authorizer: {
      componentAppId: string;
      kind?: AppKind;
      funcScopes?: number[];
      enabled?: boolean;
    },
  ): Promise<{ created: boolean; app: AppView }> {
    const result = await this.update(appId, (current) => {
      const at = this.now().toISOString();
      return {
        appId,
        kind: authorizer.kind ?? current?.kind,
        shard: current?.shard ?? 0,
        enabled: authorizer.enabled ?? true,
        ratePerSec: current?.ratePerSec,
        consentExempt: current?.consentExempt,
        tokenSource: 'component',
        componentAppId: authorizer.componentAppId,
        funcScopes: authorizer.funcScopes ?? current?.funcScopes,
        secretChangedAt: at,
        createdAt: current?.createdAt ?? at,
        updatedAt: at,
        origin: 'operator',
      };
    });
    return { created: result.previous === undefined, app: viewOf(result.app!) };
  }

  /** Enables or disables an app. @returns the app, or undefined when it is unknown */
  async setEnabled(appId: string, enabled: boolean): Promise<AppView | undefined> {
    const result = await this.update(appId, (current) =>
      current === undefined
        ? undefined
        : {
            ...resealApp(this.options.box, current),
            enabled,
            updatedAt: this.now().toISOString(),
            origin: 'operator',
          },
    );
    return result.app && viewOf(result.app);
  }

  /**
   * Tells every process that the app changed without changing it (a new version and change-log
   * entry): the workers then release the jobs they hold for it, e.g. after its pause was lifted.
   * @returns whether the app exists
   */
  async touch(appId: string): Promise<boolean> {
    const result = await this.update(appId, (current) => current && { ...current });
    return result.app !== undefined;
  }

  /**
   * Removes an app unless messages are waiting for it: checked in the same script when the app
   * is on shard 0; for an app on another shard (another slot) its shard's counter is read just
   * before — a message accepted in between is held as for an unknown app (sent if the app
   * is added again), never lost.
   */
  async remove(appId: string): Promise<RemoveResult> {
    const { apps, version, changes, index } = this.keys;
    const { shards, redis } = this.options;
    if (shards !== undefined && shards.shardOf(appId) !== 0) {
      const waiting = await pendingMessagesOf(redis, shards.keyspaceOf(appId), appId);
      if (waiting > 0 && (await redis.hexists(apps, appId)) === 1) {
        return { removed: false, reason: 'pending', pending: waiting };
      }
    }
    const pendingKey = appKeys(this.options.keyspace, appId).pending;
    const [code, pending] = (await this.del.run(
      [apps, version, changes, index, pendingKey],
      [appId],
    )) as [number, number];
    if (code === -1) {
      return { removed: false, reason: 'not_found' };
    }
    if (code === -2) {
      return { removed: false, reason: 'pending', pending };
    }
    return { removed: true };
  }

  /** One app as the operator routes show it. */
  async get(appId: string): Promise<AppView | undefined> {
    const app = await this.read(appId);
    return app && viewOf(app);
  }

  /** Apps in appId order, `limit` at a time, after `cursor` (from the previous page). */
  async page(limit: number, cursor?: string): Promise<AppPage> {
    const after = cursor === undefined ? '-' : `(${decodeCursor(cursor)}`;
    const ids = await this.options.redis.zrangebylex(
      this.keys.index,
      after,
      '+',
      'LIMIT',
      0,
      limit + 1,
    );
    const pageIds = ids.slice(0, limit);
    const values =
      pageIds.length > 0 ? await this.options.redis.hmget(this.keys.apps, ...pageIds) : [];
    const apps = values.flatMap((json) => {
      const app = parseStoredApp(json);
      return app ? [viewOf(app)] : [];
    });
    const last = pageIds[pageIds.length - 1];
    return { apps, nextCursor: ids.length > limit && last ? encodeCursor(last) : undefined };
  }

  /** The stored form of one app (secrets sealed). */
  async read(appId: string): Promise<StoredApp | undefined> {
    return parseStoredApp(await this.options.redis.hget(this.keys.apps, appId));
  }

  /**
   * Runs `change` on the app as stored and writes its answer if nobody wrote the app meanwhile
   * (else reads again). `change` answering undefined writes nothing.
   * @param seed a seed from WECHAT_APPS: refused (`skipped`) for an app seeded and deleted since
   */
  async update(
    appId: string,
    change: (current: StoredApp | undefined) => StoredApp | undefined,
    seed = false,
  ): Promise<{ previous?: StoredApp; app?: StoredApp; skipped?: boolean }> {
    const { apps, version, changes, index, seeded } = this.keys;
    for (let round = 0; round < MAX_WRITE_ROUNDS; round += 1) {
      const raw = await this.options.redis.hget(apps, appId);
      const previous = parseStoredApp(raw);
      const next = change(previous);
      if (next === undefined) {
        return { previous, app: previous };
      }
      const answer = Number(
        await this.write.run(
          [apps, version, changes, index, seeded],
          [appId, raw ?? '', JSON.stringify(next), seed ? '1' : '0'],
        ),
      );
      if (answer === -1) {
        return { skipped: true };
      }
      if (answer > 0) {
        return { previous, app: next };
      }
    }
    throw new Error(`app ${appId} kept changing under its writer; try again`);
  }

  /** Notes that WECHAT_APPS offered the app, so deleting it later sticks. */
  async markSeeded(appId: string): Promise<void> {
    await this.options.redis.sadd(this.keys.seeded, appId);
  }
}

/** Cursors are opaque to callers: the last appId of the page, base64url. */
function encodeCursor(appId: string): string {
  return Buffer.from(appId, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): string {
  return Buffer.from(cursor, 'base64url').toString('utf8');
}
