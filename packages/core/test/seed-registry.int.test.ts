import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { seedRegistry } from '../src/apps/seed-registry';
import { RegistryRig } from './helpers/registry-rig';

const APP = 'wxseed00000000001';
const SEED = { appId: APP, appSecret: 'seeded-secret-0123456789' };

describe('seedRegistry', () => {
  let rig: RegistryRig;

  beforeEach(() => {
    rig = new RegistryRig();
  });

  afterEach(async () => {
    await rig.close();
  });

  it('when an app of WECHAT_APPS is new, then it is created enabled with its secret', async () => {
    const store = rig.store();

    const result = await seedRegistry(store, rig.box, [SEED]);

    expect(result.created).toEqual([APP]);
    const registry = await rig.registry();
    expect(registry.get(APP)).toMatchObject({ appId: APP, enabled: true, shard: 0 });
    expect(registry.secretOf(APP)).toBe(SEED.appSecret);
  });

  it('when an operator changed the app since, then a later seed leaves it as the operator wrote it', async () => {
    const store = rig.store();
    await seedRegistry(store, rig.box, [SEED]);
    await store.put(APP, { appSecret: 'operator-secret-0123456789' });

    const result = await seedRegistry(store, rig.box, [{ ...SEED, eventToken: 'tok123' }]);

    expect(result.kept).toEqual([APP]);
    const registry = await rig.registry();
    expect(registry.secretOf(APP)).toBe('operator-secret-0123456789');
    expect(registry.eventCredentialsOf(APP)).toBeUndefined();
  });

  it('when an operator deleted a seeded app, then the next start does not bring it back', async () => {
    const store = rig.store();
    await seedRegistry(store, rig.box, [SEED]);
    await store.remove(APP);

    const result = await seedRegistry(store, rig.box, [SEED]);

    expect(result.kept).toEqual([APP]);
    expect(await store.get(APP)).toBeUndefined();
  });

  it('when the worker seeds first and the API seeds its event token after, then the app has both', async () => {
    const store = rig.store();
    await seedRegistry(store, rig.box, [SEED]);

    const result = await seedRegistry(store, rig.box, [
      { ...SEED, eventToken: 'tok123', consentExempt: true },
    ]);

    expect(result.completed).toEqual([APP]);
    const registry = await rig.registry();
    expect(registry.eventCredentialsOf(APP)).toEqual({ token: 'tok123' });
    expect(registry.get(APP)?.consentExempt).toBe(true);
  });

  it('when two processes seed the same app at once, then it is created once and keeps both parts', async () => {
    const [a, b] = [rig.store(), rig.store()];

    const [ra, rb] = await Promise.all([
      seedRegistry(a, rig.box, [SEED]),
      seedRegistry(b, rig.box, [{ ...SEED, eventToken: 'tok456' }]),
    ]);

    expect([...ra.created, ...rb.created]).toEqual([APP]);
    const registry = await rig.registry();
    expect(registry.eventCredentialsOf(APP)).toEqual({ token: 'tok456' });
  });
});
