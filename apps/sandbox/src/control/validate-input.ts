import { isRecord } from '../domain/parse-body';
import { OTHER_APIS, SEND_APIS, TOKEN_APIS } from '../types';
import type { FaultSpec } from '../state/fault-store';
import type { SandboxSettings } from '../settings';

/** A control-API input that does not fit; the HTTP layer answers 400 with its message. */
export class ControlInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

const APIS = new Set<string>([...SEND_APIS, ...TOKEN_APIS, ...OTHER_APIS]);

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0;
}

/**
 * Checks a fault before it is stored.
 *
 * @throws ControlInputError naming the bad field
 */
export function checkFaultSpec(spec: unknown): FaultSpec {
  if (!isRecord(spec) || !isRecord(spec.action)) {
    throw new ControlInputError('expected { match?, times?, action: { … } }');
  }
  const { match = {}, times, action } = spec;
  if (!isRecord(match)) {
    throw new ControlInputError('match must be an object');
  }
  const apis = match.api === undefined ? [] : Array.isArray(match.api) ? match.api : [match.api];
  for (const api of apis) {
    if (typeof api !== 'string' || !APIS.has(api)) {
      throw new ControlInputError(`match.api must be one of ${[...APIS].join(', ')}`);
    }
  }
  for (const key of ['appid', 'touser'] as const) {
    if (match[key] !== undefined && typeof match[key] !== 'string') {
      throw new ControlInputError(`match.${key} must be a string`);
    }
  }
  if (times !== undefined && times !== 'always' && !(isCount(times) && times > 0)) {
    throw new ControlInputError('times must be a positive integer or "always"');
  }
  const numbers = {
    errcode: action.errcode,
    delayMs: action.delayMs,
    httpStatus: action.httpStatus,
  };
  if (numbers.errcode !== undefined && !Number.isInteger(numbers.errcode)) {
    throw new ControlInputError('action.errcode must be an integer');
  }
  if (numbers.delayMs !== undefined && !isCount(numbers.delayMs)) {
    throw new ControlInputError('action.delayMs must be a non-negative integer');
  }
  if (
    numbers.httpStatus !== undefined &&
    !(isCount(numbers.httpStatus) && numbers.httpStatus >= 200 && numbers.httpStatus <= 599)
  ) {
    throw new ControlInputError('action.httpStatus must be an HTTP status from 200 to 599');
  }
  for (const key of ['errmsg', 'body', 'contentType'] as const) {
    if (action[key] !== undefined && typeof action[key] !== 'string') {
      throw new ControlInputError(`action.${key} must be a string`);
    }
  }
  for (const key of ['hang', 'reset', 'deliver'] as const) {
    if (action[key] !== undefined && typeof action[key] !== 'boolean') {
      throw new ControlInputError(`action.${key} must be a boolean`);
    }
  }
  return spec as unknown as FaultSpec;
}

const NUMBER_SETTINGS = [
  'tokenTtlS',
  'tokenOverlapS',
  'tokenDailyLimit',
  'stableTokenDailyLimit',
  'forceRefreshDailyLimit',
  'forceRefreshMinGapS',
  'latencyMs',
  'dedupeWindowS',
  'eventDelayMs',
  'maxDeliveries',
] as const;

/** A settings change: per-app maps merge, and a null value removes that app's cap. */
export type SettingsPatch = Partial<
  Omit<SandboxSettings, 'rateCapPerMinute' | 'dailySendQuota'> & {
    rateCapPerMinute: Record<string, number | null>;
    dailySendQuota: Record<string, number | null>;
  }
>;

/**
 * Checks a settings patch.
 *
 * @throws ControlInputError naming the bad field
 */
export function checkSettingsPatch(patch: unknown): SettingsPatch {
  if (!isRecord(patch)) {
    throw new ControlInputError('expected an object of settings');
  }
  const known = new Set<string>([
    ...NUMBER_SETTINGS,
    'rateCapPerMinute',
    'dailySendQuota',
    'requireKnownTemplates',
  ]);
  for (const key of Object.keys(patch)) {
    if (!known.has(key)) {
      throw new ControlInputError(`unknown setting ${key}`);
    }
  }
  for (const key of NUMBER_SETTINGS) {
    const v = patch[key];
    if (v !== undefined && !isCount(v)) {
      throw new ControlInputError(`${key} must be a non-negative integer`);
    }
  }
  if (patch.tokenTtlS === 0 || patch.maxDeliveries === 0) {
    throw new ControlInputError('tokenTtlS and maxDeliveries must be positive');
  }
  for (const key of ['rateCapPerMinute', 'dailySendQuota'] as const) {
    const map = patch[key];
    if (map === undefined) {
      continue;
    }
    if (!isRecord(map) || !Object.values(map).every((v) => v === null || isCount(v))) {
      throw new ControlInputError(`${key} must map appids to non-negative integers or null`);
    }
  }
  if (
    patch.requireKnownTemplates !== undefined &&
    typeof patch.requireKnownTemplates !== 'boolean'
  ) {
    throw new ControlInputError('requireKnownTemplates must be a boolean');
  }
  return patch;
}
