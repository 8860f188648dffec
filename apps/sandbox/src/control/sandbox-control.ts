import { DEFAULT_SETTINGS } from '../settings';
import type { MessageFilter } from '../state/delivery-store';
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
 * so both behave identically.
 */
export interface SandboxControl {
  /** Accepted messages, newest first. */
  messages(filter?: MessageFilter): SandboxMessage[];
  /** A snapshot of the call counters. */
  stats(): SandboxStats;
  /**
   * Forgets deliveries, dedupe memory, counters and quotas, and restores the settings given at
   * start. Tokens survive unless `tokens: true`, so running clients keep working.
   */
  reset(options?: ResetOptions): void;
  /** The live settings (a copy). */
  settings(): SandboxSettings;
}

/** Builds the control surface over `state`. */
export function createSandboxControl(state: SandboxState): SandboxControl {
  return {
    messages: (filter) => state.deliveries.list(filter),
    stats: () => state.stats.snapshot(),
    reset: (options = {}) => {
      state.deliveries.clear();
      state.dedupe.clear();
      state.stats.reset();
      state.daily.clear();
      state.minuteCounts.clear();
      Object.assign(state.settings, DEFAULT_SETTINGS, structuredClone(state.initialSettings));
      if (options.tokens === true) {
        state.tokens.clear();
      }
    },
    settings: () => structuredClone(state.settings),
  };
}
