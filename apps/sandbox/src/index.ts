/**
 * `@wechat-dispatch/sandbox`: a WeChat server-API simulator, usable in-process (tests,
 * benchmarks) or as a process (`npm run start:sandbox`).
 */
export { startSandbox } from './start-sandbox';
export type { StartSandboxOptions, SandboxHandle } from './start-sandbox';
export { createSandboxApp } from './http/app';
export { createSandboxState } from './state/sandbox-state';
export type { SandboxState, SandboxStateOptions } from './state/sandbox-state';
export { createSandboxControl } from './control/sandbox-control';
export type { SandboxControl, ResetOptions } from './control/sandbox-control';
export type { SandboxStats } from './state/stats';
export type { MessageFilter } from './state/delivery-store';
export { DEFAULT_SETTINGS } from './settings';
export type { SandboxSettings } from './settings';
export { FIRST_MSGID } from './state/msgid-sequence';
export { parseSandboxEnv, ConfigError } from './config';
export type { SandboxConfig } from './config';
export { createSandboxLogger } from './logger';
export type { SandboxLogger, LogLevel } from './logger';
export type { SandboxApp, SandboxMessage, SendApi, TokenApi, WeChatApi, DataValue } from './types';
