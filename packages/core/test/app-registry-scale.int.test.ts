import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Redis } from 'ioredis';
import type { AppRegistry } from '../src/apps/app-registry';
import type { StoredApp } from '../src/apps/app-record';
import { registryKeys } from '../src/apps/registry-keys';
import { startPrivateRedis, type PrivateRedis } from '@wechat-dispatch/testkit';
import { RegistryRig } from './helpers/registry-rig';

const APPS = 10_000;

/** The commands `watched` sends while `act` runs, seen through MONITOR on another connection. */
async function commandsOf(rig: RegistryRig, watched: Redis, act: () => Promise<void>) {
  const marker = `end-${Math.random()}`;
  const address = /addr=(\S+)/.exec(String(await watched.client('INFO')))?.[1];
  const monitor = await rig.connection().monitor();
  const seen: string[][] = [];
  const ended = new Promise<void>((resolve) => {
    monitor.on('monitor', (_time: string, args: string[], source: string) => {
      if (source !== address) {
        return;
      }
      if (args[1] === marker) {
        resolve();
      } else {
        seen.push(args);
      }
    });
  });
  await act();
  await watched.echo(marker);
  await ended;
  monitor.disconnect();
  return seen;
}

describe('openAppRegistry at 10,000 apps', () => {
  // A Redis of its own: MONITOR on the shared one would also carry every other suite's traffic.
  let server: PrivateRedis;
  let rig: RegistryRig;
  let registry: AppRegistry;
  let watched: Redis;

  beforeAll(async () => {
    server = await startPrivateRedis({ appendonly: false });
    rig = new RegistryRig(server.url);
    const redis = rig.connection();
    const keys = registryKeys(rig.keyspace);
    const at = new Date().toISOString();
    for (let i = 0; i < APPS; i += 1000) {
      const tx = redis.pipeline();
      for (let j = i; j < i + 1000; j += 1) {
        const appId = `wxscale${String(j).padStart(11, '0')}`;
        const app: StoredApp = {
          appId,
          shard: 0,
          enabled: true,
          appSecret: rig.box.seal(`secret-of-${appId}`, `${appId}:appSecret`),
          secretChangedAt: at,
          createdAt: at,
          updatedAt: at,
          origin: 'operator',
        };
        tx.hset(keys.apps, appId, JSON.stringify(app));
      }
      await tx.exec();
    }
    await redis.set(keys.version, 1);
    watched = rig.connection();
    registry = await rig.registry(rig.box, watched, 60_000);
  });

  afterAll(async () => {
    await rig?.close();
    await server?.destroy();
  });

  it('when 10,000 apps are stored, then the first load knows every one with its secret', () => {
    expect(registry.list()).toHaveLength(APPS);
    expect(registry.secretOf('wxscale00000009999')).toBe('secret-of-wxscale00000009999');
  });

  it('when nothing changes, then each poll is one GET of the version, however many apps there are', async () => {
    const commands = await commandsOf(rig, watched, async () => {
      for (let i = 0; i < 5; i += 1) {
        await registry.refresh();
      }
    });

    expect(commands.map((args) => args[0]!.toLowerCase())).toEqual(Array(5).fill('get'));
  });

  it('when one app changes, then a poll reads only that app', async () => {
    const redis = rig.connection();
    const keys = registryKeys(rig.keyspace);
    const version = await redis.incr(keys.version);
    await redis.zadd(keys.changes, version, 'wxscale00000000042');

    const commands = await commandsOf(rig, watched, () => registry.refresh());

    const hmget = commands.find((args) => args[0]!.toLowerCase() === 'hmget');
    expect(hmget?.slice(2)).toEqual(['wxscale00000000042']);
    expect(commands).toHaveLength(3);
  });
});
