import { createServer } from 'node:http';
import { createSandboxApp } from './http/app';
import { createSandboxControl } from './control/sandbox-control';
import { createSandboxState } from './state/sandbox-state';
import type { AddressInfo } from 'node:net';
import type { SandboxControl } from './control/sandbox-control';
import type { SandboxLogger } from './logger';
import type { SandboxSettings } from './settings';
import type { SandboxState } from './state/sandbox-state';
import type { SandboxApp } from './types';
import type { EventTarget } from './events/event-target';
import type { TemplateInfo } from './state/template-registry';
import { ComponentPlatform, type SandboxComponent } from './component/component-platform';

/** Options of {@link startSandbox}. */
export interface StartSandboxOptions extends Partial<SandboxSettings> {
  /** The apps the sandbox knows (`appId`/`appSecret`); at least one. */
  apps: SandboxApp[];
  /** TCP port; 0 picks a free one. @defaultValue 0 */
  port?: number;
  /** Interface to bind. @defaultValue '127.0.0.1' */
  host?: string;
  /** Clock, epoch milliseconds; inject one to test windows without waiting. @defaultValue Date.now */
  now?: () => number;
  /** Logger. @defaultValue silent; `main.ts` passes a JSON logger at `LOG_LEVEL` */
  logger?: SandboxLogger;
  /** Templates known from the start (card titles, field labels); restored by reset. */
  templates?: TemplateInfo[];
  /** Event targets by appid, known from the start; restored by reset. */
  eventTargets?: Record<string, EventTarget>;
  /** Open Platform components (third-party platforms); their merchants are `apps`. */
  components?: SandboxComponent[];
}

/** A running sandbox. Every {@link SandboxControl} method is available on it directly. */
export interface SandboxHandle extends SandboxControl {
  /** Base URL, e.g. `http://127.0.0.1:40123` (no trailing slash); use it as `WECHAT_API_BASE`. */
  readonly url: string;
  /** The port it listens on. */
  readonly port: number;
  /** The raw state, for assertions the control surface does not cover. */
  readonly state: SandboxState;
  /** The Open Platform side: ticket pushes, authorizations, component call counters. */
  readonly platform: ComponentPlatform;
  /** Stops listening, drops open connections (hung calls included) and pending events. */
  close(): Promise<void>;
}

/**
 * Starts a sandbox in this process.
 *
 * @throws Error when `apps` is empty or the port cannot be bound; ControlInputError when a
 *   template or event target is invalid
 */
export async function startSandbox(options: StartSandboxOptions): Promise<SandboxHandle> {
  const {
    apps,
    port = 0,
    host = '127.0.0.1',
    now,
    logger,
    templates,
    eventTargets,
    components = [],
    ...settings
  } = options;
  const state = createSandboxState({ apps, settings, now, logger });
  const control = createSandboxControl(state, { templates, eventTargets });
  const platform = new ComponentPlatform(state, components);
  const server = createServer(createSandboxApp(state, control, platform));
  // Clients (keep-alive agents, benchmarks) keep connections alive longer than Node's 5 s default.
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  let closing: Promise<void> | undefined;
  return {
    ...control,
    url: `http://${urlHost}:${bound}`,
    port: bound,
    state,
    platform,
    close: () => {
      closing ??= new Promise<void>((resolve, reject) => {
        platform.close();
        state.events.close();
        state.sleeper.cancelAll();
        server.close((err) => (err ? reject(err) : resolve()));
        // Hung calls and keep-alive sockets would otherwise hold close() open forever.
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
