import type { StoredApp } from './app-record';
import type { AppRegistryStore } from './app-registry-store';
import { sealApp } from './seal-app';
import type { SecretBox } from './secret-box';

/** One app as `WECHAT_APPS` and its companion variables describe it. */
export interface SeedApp {
  appId: string;
  appSecret: string;
  eventToken?: string;
  encodingAesKey?: string;
  consentExempt?: boolean;
}

/** What a seed did, by appId. */
export interface SeedResult {
  /** New apps. */
  created: string[];
  /** Seeded apps that got a field another process's seed lacked (e.g. the API's event token). */
  completed: string[];
  /** Apps left as they are: changed by an operator, deleted by one, or already complete. */
  kept: string[];
}

/** Seeds run this many apps at a time. */
const SEED_CONCURRENCY = 50;

/**
 * Seeds the registry from `WECHAT_APPS` (what this process knows of each app). An app is
 * created only if `WECHAT_APPS` never offered it before; once an operator wrote it (PUT,
 * PATCH) or deleted it, the registry wins and the environment is ignored for it. While an app
 * is still as seeded, a field this process knows and the stored app lacks is added, so the
 * API's event token and the worker's seed combine whichever process starts first.
 */
export async function seedRegistry(
  store: AppRegistryStore,
  box: SecretBox,
  apps: readonly SeedApp[],
  now: () => Date = () => new Date(),
): Promise<SeedResult> {
  const result: SeedResult = { created: [], completed: [], kept: [] };
  for (let i = 0; i < apps.length; i += SEED_CONCURRENCY) {
    await Promise.all(
      apps.slice(i, i + SEED_CONCURRENCY).map(async (app) => {
        const outcome = await store.update(
          app.appId,
          (current) => seeded(box, app, current, now),
          true,
        );
        if (outcome.skipped || outcome.app === outcome.previous) {
          await store.markSeeded(app.appId);
          result.kept.push(app.appId);
        } else {
          (outcome.previous === undefined ? result.created : result.completed).push(app.appId);
        }
      }),
    );
  }
  return result;
}

/** The stored app after seeding `app` over `current`; undefined = leave it. */
function seeded(
  box: SecretBox,
  app: SeedApp,
  current: StoredApp | undefined,
  now: () => Date,
): StoredApp | undefined {
  const sealed = sealApp(box, app.appId, app);
  const at = now().toISOString();
  if (current === undefined) {
    return {
      ...sealed,
      appId: app.appId,
      shard: 0,
      enabled: true,
      secretChangedAt: at,
      createdAt: at,
      updatedAt: at,
      origin: 'seed',
    };
  }
  if (current.origin !== 'seed') {
    return undefined;
  }
  const next: StoredApp = {
    ...current,
    eventToken: current.eventToken ?? sealed.eventToken,
    encodingAesKey: current.encodingAesKey ?? sealed.encodingAesKey,
    consentExempt: current.consentExempt ?? sealed.consentExempt,
  };
  const same =
    next.eventToken === current.eventToken &&
    next.encodingAesKey === current.encodingAesKey &&
    next.consentExempt === current.consentExempt;
  return same ? undefined : { ...next, updatedAt: at };
}
