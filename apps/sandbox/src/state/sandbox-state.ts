import { DEFAULT_SETTINGS } from '../settings';
import { createSandboxLogger } from '../logger';
import { DailyCounter } from './daily-counter';
import { DedupeStore } from './dedupe-store';
import { DeliveryStore } from './delivery-store';
import { MsgIdSequence } from './msgid-sequence';
import { StatsCollector } from './stats';
import { TokenRegistry } from './token-registry';
import { ConsentStore } from './consent-store';
import { FaultStore } from './fault-store';
import { TemplateRegistry } from './template-registry';
import { UserProfiles } from './user-profiles';
import { Sleeper } from './sleeper';
import { EventDispatcher } from '../events/event-dispatcher';
import type { Response } from 'express';
import type { SandboxLogger } from '../logger';
import type { SandboxSettings } from '../settings';
import type { SandboxApp } from '../types';

/** Options of {@link createSandboxState}. */
export interface SandboxStateOptions {
  /** The apps the sandbox knows; at least one. */
  apps: readonly SandboxApp[];
  /** Overrides of the default {@link SandboxSettings}. */
  settings?: Partial<SandboxSettings>;
  /** Clock, epoch milliseconds; tests inject a fake one. @defaultValue Date.now */
  now?: () => number;
  /** Where logs go. @defaultValue silent (pass {@link createSandboxLogger} to see lines) */
  logger?: SandboxLogger;
}

/** Everything the sandbox remembers; created once per sandbox, shared by all routes. */
export interface SandboxState {
  /** The clock every window and expiry is measured with. */
  readonly now: () => number;
  /** appid → AppSecret. */
  readonly apps: ReadonlyMap<string, string>;
  /** The apps configured as `kind: 'mini_program'`. */
  readonly miniPrograms: ReadonlySet<string>;
  /** Live settings, changed in place by the control API. */
  readonly settings: SandboxSettings;
  /** The settings given at start, restored by reset. */
  readonly initialSettings: Readonly<SandboxSettings>;
  readonly logger: SandboxLogger;
  readonly tokens: TokenRegistry;
  readonly deliveries: DeliveryStore;
  readonly dedupe: DedupeStore;
  readonly msgids: MsgIdSequence;
  readonly stats: StatsCollector;
  /** Daily call counters (token endpoints, send quotas), keyed `<api>:<appid>`. */
  readonly daily: DailyCounter;
  /** Send counts per `<minute>:<appid>` for the per-minute rate cap. */
  readonly minuteCounts: Map<string, number>;
  readonly consents: ConsentStore;
  readonly users: UserProfiles;
  readonly templates: TemplateRegistry;
  readonly faults: FaultStore;
  readonly events: EventDispatcher;
  /** Answers held open by a `hang` fault, released when the sandbox closes. */
  readonly hung: Set<Response>;
  /** Cancellable delays for latency and fault delays. */
  readonly sleeper: Sleeper;
}

/**
 * Builds a fresh sandbox state.
 *
 * @throws Error when `apps` is empty or names an appid twice
 */
export function createSandboxState(options: SandboxStateOptions): SandboxState {
  if (options.apps.length === 0) {
    throw new Error('the sandbox needs at least one app');
  }
  const apps = new Map<string, string>();
  for (const app of options.apps) {
    if (apps.has(app.appId)) {
      throw new Error(`appid ${app.appId} is configured twice`);
    }
    apps.set(app.appId, app.appSecret);
  }
  const miniPrograms = new Set(
    options.apps.filter((app) => app.kind === 'mini_program').map((app) => app.appId),
  );
  const now = options.now ?? Date.now;
  const initialSettings = Object.freeze({ ...DEFAULT_SETTINGS, ...options.settings });
  const settings: SandboxSettings = structuredClone({ ...initialSettings });
  const logger = options.logger ?? createSandboxLogger('silent');
  const stats = new StatsCollector();
  return {
    now,
    apps,
    miniPrograms,
    settings,
    initialSettings,
    logger,
    tokens: new TokenRegistry(now, settings),
    deliveries: new DeliveryStore(() => settings.maxDeliveries),
    dedupe: new DedupeStore(now, () => settings.dedupeWindowS * 1000),
    msgids: new MsgIdSequence(),
    stats,
    daily: new DailyCounter(now),
    minuteCounts: new Map(),
    consents: new ConsentStore(),
    users: new UserProfiles(),
    templates: new TemplateRegistry(),
    faults: new FaultStore(),
    events: new EventDispatcher(now, settings, stats, logger),
    hung: new Set(),
    sleeper: new Sleeper(),
  };
}
