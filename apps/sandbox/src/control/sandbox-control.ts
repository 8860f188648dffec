import { checkFaultSpec, checkSettingsPatch, ControlInputError } from './validate-input';
import { createRecipientControl } from './recipient-control';
import { eventTargetProblem } from '../events/event-target';
import type { RecipientControl } from './recipient-control';
import type { SettingsPatch } from './validate-input';
import type { EventTarget } from '../events/event-target';
import type { PushedEvent } from '../events/event-dispatcher';
import type { MessageFilter } from '../state/delivery-store';
import type { FaultInfo, FaultSpec } from '../state/fault-store';
import type { TemplateInfo } from '../state/template-registry';
import type { SandboxSettings } from '../settings';
import type { SandboxState } from '../state/sandbox-state';
import type { SandboxStats } from '../state/stats';
import type { SandboxMessage } from '../types';

/** Options of {@link SandboxControl.reset}. */
export interface ResetOptions {
  /** Also forget every issued token (clients then get 40001). @defaultValue false */
  tokens?: boolean;
}

/**
 * The control surface shared by the HTTP control API (`/sandbox/*`) and the in-process handle,
 * so both behave identically. Methods taking input throw {@link ControlInputError} on bad input.
 */
export interface SandboxControl extends RecipientControl {
  /** Accepted messages, newest first. */
  messages(filter?: MessageFilter): SandboxMessage[];
  /** A snapshot of the call counters. */
  stats(): SandboxStats;
  /**
   * Back to the start state: forgets deliveries, consents, faults, user profiles, dedupe
   * memory, counters, quotas and the event log; restores the settings, templates and event
   * targets given at start. Tokens survive unless `tokens: true`, so running clients keep working.
   */
  reset(options?: ResetOptions): void;
  /** The live settings (a copy). */
  settings(): SandboxSettings;
  /** Changes settings; per-app maps merge and a null removes that app's entry. */
  configure(patch: SettingsPatch): SandboxSettings;
  /** Scripts a fault. */
  addFault(spec: FaultSpec): FaultInfo;
  /** Active faults, oldest (next to apply) first. */
  faults(): FaultInfo[];
  /** Removes one fault; false when unknown. */
  removeFault(id: number): boolean;
  /** Removes every fault. */
  clearFaults(): void;
  /** Registers a template (title and field labels for the inbox; see `requireKnownTemplates`). */
  addTemplate(info: TemplateInfo): TemplateInfo;
  /** Registered templates. */
  templates(): TemplateInfo[];
  /** Configures (or with null removes) where an app's events are pushed. */
  setEventTarget(appid: string, target: EventTarget | null): void;
  /** Configured event targets by appid. */
  eventTargets(): Record<string, EventTarget>;
  /** Pushed events, newest first. */
  events(): PushedEvent[];
  /** Resolves when every scheduled event push has finished. */
  eventsIdle(): Promise<void>;
}

/** What reset restores besides settings: given at start. */
export interface ControlDefaults {
  templates?: TemplateInfo[];
  eventTargets?: Record<string, EventTarget>;
}

function requireApp(state: SandboxState, appid: string): void {
  if (!state.apps.has(appid)) {
    throw new ControlInputError(`unknown appid ${appid}`);
  }
}

/**
 * Builds the control surface over `state`.
 *
 * @throws ControlInputError when a default template or event target is invalid
 */
export function createSandboxControl(
  state: SandboxState,
  defaults: ControlDefaults = {},
): SandboxControl {
  const recipients = createRecipientControl(state);
  const control: SandboxControl = {
    ...recipients,
    messages: (filter) => state.deliveries.list(filter),
    stats: () => state.stats.snapshot(),
    reset: (options = {}) => {
      state.deliveries.clear();
      state.dedupe.clear();
      state.stats.reset();
      state.daily.clear();
      state.minuteCounts.clear();
      state.consents.clear();
      state.users.clear();
      state.faults.clear();
      state.events.reset();
      state.templates.clear();
      Object.assign(state.settings, structuredClone(state.initialSettings));
      applyDefaults();
      if (options.tokens === true) {
        state.tokens.clear();
      }
    },
    settings: () => structuredClone(state.settings),
    configure: (patch) => {
      const { rateCapPerMinute, dailySendQuota, ...rest } = checkSettingsPatch(patch);
      Object.assign(state.settings, rest);
      for (const [key, map] of [
        ['rateCapPerMinute', rateCapPerMinute],
        ['dailySendQuota', dailySendQuota],
      ] as const) {
        for (const [appid, value] of Object.entries(map ?? {})) {
          if (value === null) {
            delete state.settings[key][appid];
          } else {
            state.settings[key][appid] = value;
          }
        }
      }
      return structuredClone(state.settings);
    },
    addFault: (spec) => state.faults.add(checkFaultSpec(spec)),
    faults: () => state.faults.list(),
    removeFault: (id) => state.faults.remove(id),
    clearFaults: () => state.faults.clear(),
    addTemplate: (info) => {
      if (typeof info.template_id !== 'string' || typeof info.title !== 'string') {
        throw new ControlInputError('a template needs template_id and title strings');
      }
      return state.templates.add(info);
    },
    templates: () => state.templates.list(),
    setEventTarget: (appid, target) => {
      requireApp(state, appid);
      const problem = target === null ? undefined : eventTargetProblem(target);
      if (problem) {
        throw new ControlInputError(`event target: ${problem}`);
      }
      state.events.setTarget(appid, target);
    },
    eventTargets: () => state.events.listTargets(),
    events: () => state.events.list(),
    eventsIdle: () => state.events.idle(),
  };
  function applyDefaults(): void {
    for (const t of defaults.templates ?? []) {
      control.addTemplate(t);
    }
    for (const [appid, target] of Object.entries(defaults.eventTargets ?? {})) {
      control.setEventTarget(appid, target);
    }
  }
  applyDefaults();
  return control;
}
