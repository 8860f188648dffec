import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { SendShards } from '@wechat-dispatch/shared';
import { waitFor } from '@wechat-dispatch/testkit';
import { parseStoredApp } from '../src/apps/app-record';
import { AppRegistryStore } from '../src/apps/app-registry-store';
import { pendingMessagesOf } from '../src/apps/pending-messages';
import { appKeys } from '../src/apps/app-keys';
import { registryKeys } from '../src/apps/registry-keys';
import { SecretBox, secretKeyId } from '../src/apps/secret-box';
import { RegistryRig } from './helpers/registry-rig';

const SECRET = 'app-secret-0123456789abcdef-ONE';
const ROTATED = 'app-secret-0123456789abcdef-TWO';
const EVENT_TOKEN = 'eventToken12345';
const AES_KEY = 'A'.repeat(42) + 'Q';
const APP = 'wx0123456789abcdef';

describe('AppRegistryStore and openAppRegistry', () => {
  let rig: RegistryRig;

  beforeEach(() => {
    rig = new RegistryRig();
  });

  afterEach(async () => {
    await rig.close();
  });

  describe('put', () => {
    it('when an app is put twice, then the first creates and the second replaces, keeping createdAt and enabled', async () => {
      const store = rig.store();

      const first = await store.put(APP, { appSecret: SECRET, kind: 'official_account' });
      await store.setEnabled(APP, false);
      const second = await store.put(APP, {
        appSecret: SECRET,
        kind: 'mini_program',
        ratePerSec: 5,
      });

      expect(first.created).toBe(true);
      expect(second.created).toBe(false);
      expect(second.app).toMatchObject({
        appId: APP,
        kind: 'mini_program',
        ratePerSec: 5,
        enabled: false,
        secretSet: true,
        createdAt: first.app.createdAt,
        secretChangedAt: first.app.secretChangedAt,
      });
    });

    it('when the secret changes, then secretChangedAt moves', async () => {
      let now = new Date('2026-12-01T00:00:00Z');
      const store = new AppRegistryStore({
        redis: rig.connection(),
        keyspace: rig.keyspace,
        box: rig.box,
        now: () => now,
      });
      await store.put(APP, { appSecret: SECRET });
      now = new Date('2026-12-02T00:00:00Z');

      const { app } = await store.put(APP, { appSecret: ROTATED });

      expect(app.secretChangedAt).toBe('2026-12-02T00:00:00.000Z');
    });
  });

  describe('at rest', () => {
    it('when secrets are stored, then a dump of every registry key holds only ciphertext', async () => {
      const store = rig.store();
      await store.put(APP, {
        appSecret: SECRET,
        eventToken: EVENT_TOKEN,
        encodingAesKey: AES_KEY,
      });
      const redis = rig.connection();
      const keys = await redis.keys(`${rig.keyspace.root}*`);

      const hash = JSON.stringify(await redis.hgetall(registryKeys(rig.keyspace).apps));
      const dumps = await Promise.all(keys.map((key) => redis.dumpBuffer(key)));
      const everything = [hash, ...dumps.map((d) => d?.toString('latin1') ?? '')].join('\n');

      for (const secret of [SECRET, EVENT_TOKEN, AES_KEY]) {
        expect(everything).not.toContain(secret);
      }
      expect(hash).toContain(`v1:${secretKeyId(rig.key)}:`);
    });
  });

  describe('watching', () => {
    it('when another process adds, disables and deletes an app, then a running registry follows each step within 5 s', async () => {
      const registry = await rig.registry();
      const changes: string[][] = [];
      registry.onChange((ids) => changes.push([...ids]));
      const store = rig.store();

      await store.put(APP, { appSecret: SECRET, eventToken: EVENT_TOKEN });
      await waitFor(() => registry.get(APP) !== undefined, {
        timeoutMs: 5000,
        description: 'added',
      });
      expect(registry.secretOf(APP)).toBe(SECRET);
      expect(registry.eventCredentialsOf(APP)).toEqual({ token: EVENT_TOKEN });

      await store.setEnabled(APP, false);
      await waitFor(() => registry.get(APP)?.enabled === false, {
        timeoutMs: 5000,
        description: 'disabled',
      });

      expect(await store.remove(APP)).toEqual({ removed: true });
      await waitFor(() => registry.get(APP) === undefined, {
        timeoutMs: 5000,
        description: 'deleted',
      });
      expect(changes).toEqual([[APP], [APP], [APP]]);
    });

    it('when the secret is rotated, then the registry hands out the new one', async () => {
      const store = rig.store();
      await store.put(APP, { appSecret: SECRET });
      const registry = await rig.registry();

      await store.put(APP, { appSecret: ROTATED });
      await registry.refresh();

      expect(registry.secretOf(APP)).toBe(ROTATED);
    });
  });

  describe('key rotation', () => {
    it('when APP_SECRETS_KEY changes and the old one is APP_SECRETS_KEY_PREVIOUS, then old apps read and their next write uses the new key', async () => {
      await rig.store().put(APP, { appSecret: SECRET });
      const newKey = randomBytes(32);
      const rotatedBox = new SecretBox(newKey, rig.key);
      const registry = await rig.registry(rotatedBox);
      expect(registry.secretOf(APP)).toBe(SECRET);

      await rig.store(rotatedBox).setEnabled(APP, false);

      const stored = parseStoredApp(
        await rig.connection().hget(registryKeys(rig.keyspace).apps, APP),
      );
      expect(stored?.appSecret?.startsWith(`v1:${secretKeyId(newKey)}:`)).toBe(true);
      const onlyNewKey = await rig.registry(new SecretBox(newKey));
      expect(onlyNewKey.secretOf(APP)).toBe(SECRET);
    });

    it('when a process has neither key of an app, then the app is known but has no secret', async () => {
      await rig.store().put(APP, { appSecret: SECRET });

      const registry = await rig.registry(new SecretBox(randomBytes(32)));

      expect(registry.get(APP)?.enabled).toBe(true);
      expect(registry.secretOf(APP)).toBeUndefined();
    });
  });

  describe('remove', () => {
    it('when messages are pending for the app, then it is not removed; at 0 it is', async () => {
      const store = rig.store();
      await store.put(APP, { appSecret: SECRET });
      const redis = rig.connection();
      await redis.set(appKeys(rig.keyspace, APP).pending, '3');

      const refused = await store.remove(APP);
      const pending = await pendingMessagesOf(redis, rig.keyspace, APP);
      await redis.set(appKeys(rig.keyspace, APP).pending, '0');
      const removed = await store.remove(APP);

      expect(refused).toEqual({ removed: false, reason: 'pending', pending: 3 });
      expect(pending).toBe(3);
      expect(removed).toEqual({ removed: true });
      expect(await store.remove(APP)).toEqual({ removed: false, reason: 'not_found' });
    });

    it('when SEND_SHARDS puts the app on another shard, then its shard’s counter refuses the removal', async () => {
      const shards = new SendShards(rig.keyspace.prefix, 3);
      const appId = ['wxshardapp00001', 'wxshardapp00002', 'wxshardapp00003'].find(
        (id) => shards.shardOf(id) !== 0,
      )!;
      const store = new AppRegistryStore({
        redis: rig.connection(),
        keyspace: rig.keyspace,
        box: rig.box,
        shards,
      });
      await store.put(appId, { appSecret: SECRET });
      const redis = rig.connection();
      await redis.set(appKeys(shards.keyspaceOf(appId), appId).pending, '2');

      const refused = await store.remove(appId);
      await redis.del(appKeys(shards.keyspaceOf(appId), appId).pending);
      const removed = await store.remove(appId);

      expect(refused).toEqual({ removed: false, reason: 'pending', pending: 2 });
      expect(removed).toEqual({ removed: true });
    });

    it('when no counter exists, then pendingMessagesOf answers 0', async () => {
      expect(await pendingMessagesOf(rig.connection(), rig.keyspace, 'wxnone')).toBe(0);
    });
  });

  describe('page', () => {
    it('when 5 apps are paged 2 at a time, then every app comes once in appId order', async () => {
      const store = rig.store();
      const ids = ['wxe', 'wxa', 'wxc', 'wxb', 'wxd'];
      for (const appId of ids) {
        await store.put(appId, { appSecret: SECRET });
      }

      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await store.page(2, cursor);
        seen.push(...page.apps.map((app) => app.appId));
        cursor = page.nextCursor;
        pages += 1;
      } while (cursor !== undefined);

      expect(seen).toEqual([...ids].sort());
      expect(pages).toBe(3);
    });
  });
});
