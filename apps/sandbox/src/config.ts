import { isLogLevel } from './logger';
import type { LogLevel } from './logger';
import { eventTargetProblem } from './events/event-target';
import type { EventTarget } from './events/event-target';
import type { SandboxApp } from './types';
import { componentProblem, toSandboxComponent } from './component/component-config';
import type { SandboxComponent } from './component/component-platform';

/** The sandbox process's configuration, read from the environment once at start-up. */
export interface SandboxConfig {
  apps: SandboxApp[];
  port: number;
  host: string;
  tokenTtlS: number;
  latencyMs: number;
  eventDelayMs: number;
  /** From `SANDBOX_EVENTS`: a JSON object of event targets by appid. */
  eventTargets: Record<string, EventTarget>;
  /** From `SANDBOX_COMPONENTS`: Open Platform components (third-party platforms). */
  components: SandboxComponent[];
  logLevel: LogLevel;
}

/** A bad environment variable; `message` is the one line the process prints. */
export class ConfigError extends Error {
  constructor(variable: string, problem: string) {
    super(`config error: ${variable}: ${problem}`);
    this.name = new.target.name;
  }
}

function parseApps(raw: string | undefined): SandboxApp[] {
  if (raw === undefined || raw.trim() === '') {
    throw new ConfigError('WECHAT_APPS', 'required, e.g. wx0123456789abcdef:secret');
  }
  const apps: SandboxApp[] = [];
  for (const pair of raw.split(',')) {
    const [appId, appSecret, ...rest] = pair.trim().split(':');
    if (!appId || !appSecret || rest.length > 0) {
      throw new ConfigError('WECHAT_APPS', 'expected comma-separated appId:appSecret pairs');
    }
    if (apps.some((a) => a.appId === appId)) {
      throw new ConfigError('WECHAT_APPS', `appId ${appId} appears twice`);
    }
    apps.push({ appId, appSecret });
  }
  return apps;
}

function parseInteger(
  name: string,
  raw: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (raw === undefined || raw.trim() === '') {
    return fallback;
  }
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(name, `expected an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function parseEventTargets(
  raw: string | undefined,
  apps: SandboxApp[],
): Record<string, EventTarget> {
  if (raw === undefined || raw.trim() === '') {
    return {};
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ConfigError('SANDBOX_EVENTS', 'expected JSON: {"<appId>":{"url":"…","token":"…"}}');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError('SANDBOX_EVENTS', 'expected a JSON object keyed by appId');
  }
  for (const [appId, target] of Object.entries(parsed)) {
    if (!apps.some((a) => a.appId === appId)) {
      throw new ConfigError('SANDBOX_EVENTS', `appId ${appId} is not in WECHAT_APPS`);
    }
    const problem = eventTargetProblem(target);
    if (problem) {
      throw new ConfigError('SANDBOX_EVENTS', `${appId}: ${problem}`);
    }
  }
  return parsed as Record<string, EventTarget>;
}

function parseComponents(raw: string | undefined): SandboxComponent[] {
  if (raw === undefined || raw.trim() === '') {
    return [];
  }
  const example =
    'expected JSON: [{"componentAppId":"…","componentSecret":"…","token":"…","encodingAesKey":"…","authEventUrl":"…","ticketIntervalS":600}]';
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ConfigError('SANDBOX_COMPONENTS', example);
  }
  if (!Array.isArray(parsed)) {
    throw new ConfigError('SANDBOX_COMPONENTS', example);
  }
  const seen = new Set<string>();
  return parsed.map((entry: unknown, i) => {
    const problem = componentProblem(entry);
    if (problem) {
      throw new ConfigError('SANDBOX_COMPONENTS', `[${i}]: ${problem}`);
    }
    const component = toSandboxComponent(entry as Record<string, unknown>);
    if (seen.has(component.componentAppId)) {
      throw new ConfigError('SANDBOX_COMPONENTS', `${component.componentAppId} appears twice`);
    }
    seen.add(component.componentAppId);
    return component;
  });
}

/**
 * Parses the sandbox's environment.
 *
 * @throws ConfigError naming the first bad variable
 */
export function parseSandboxEnv(env: NodeJS.ProcessEnv): SandboxConfig {
  const logLevel = env.LOG_LEVEL?.trim() || 'info';
  if (!isLogLevel(logLevel)) {
    throw new ConfigError('LOG_LEVEL', `unknown level "${logLevel}"`);
  }
  const apps = parseApps(env.WECHAT_APPS);
  return {
    apps,
    port: parseInteger('SANDBOX_PORT', env.SANDBOX_PORT, 8081, 0, 65535),
    // Containers reach the sandbox from other hosts, so the process binds every interface.
    host: env.SANDBOX_HOST?.trim() || '0.0.0.0',
    tokenTtlS: parseInteger('SANDBOX_TOKEN_TTL_S', env.SANDBOX_TOKEN_TTL_S, 7200, 1, 86400 * 365),
    latencyMs: parseInteger('SANDBOX_LATENCY_MS', env.SANDBOX_LATENCY_MS, 0, 0, 600_000),
    eventDelayMs: parseInteger(
      'SANDBOX_EVENT_DELAY_MS',
      env.SANDBOX_EVENT_DELAY_MS,
      100,
      0,
      600_000,
    ),
    eventTargets: parseEventTargets(env.SANDBOX_EVENTS, apps),
    components: parseComponents(env.SANDBOX_COMPONENTS),
    logLevel,
  };
}
