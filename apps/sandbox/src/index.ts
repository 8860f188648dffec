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
export type { SandboxSettings } from './settings';
export { FIRST_MSGID } from './state/msgid-sequence';
export { parseSandboxEnv, ConfigError } from './config';
export type { SandboxConfig } from './config';
export { createSandboxLogger } from './logger';
export type { SandboxLogger, LogLevel } from './logger';
export type { SandboxApp, SandboxMessage, SendApi, TokenApi, WeChatApi, DataValue } from './types';
export type { SettingsPatch } from './control/validate-input';
export { ControlInputError } from './control/validate-input';
export type { ConsentInput, RecipientControl } from './control/recipient-control';
export type { ConsentInfo } from './state/consent-store';
export type { UserProfile } from './state/user-profiles';
export type { TemplateInfo } from './state/template-registry';
export type { FaultSpec, FaultMatch, FaultAction, FaultInfo } from './state/fault-store';
export type { EventTarget } from './events/event-target';
export type { PushedEvent } from './events/event-dispatcher';
export { VALUE_TYPES, checkValue, valueTypeOf } from './domain/value-rules';
export { validateData } from './domain/validate-data';
export { OPENID_PATTERN } from './domain/validate-send';
export type { ValueType } from './domain/value-rules';
export { ComponentPlatform } from './component/component-platform';
export type { SandboxComponent, ComponentStats } from './component/component-platform';
export { componentPush } from './component/component-push';
