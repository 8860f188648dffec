/**
 * WeChat's rules for subscribe-message (and category-template) data values, by the type prefix
 * of the key (`thing1` → `thing`). Source: wechat-facts §3.2. A value that breaks one of these
 * is answered by WeChat with 47003; we answer 400 before anything is queued.
 */

const HAN = /\p{Script=Han}/u;
const CONTROL = /[\p{Cc}\u2028\u2029]/u;

const DATE_PART =
  '(?:\\d{4}[-/.]\\d{1,2}[-/.]\\d{1,2}|\\d{4}[-/.]\\d{1,2}|\\d{1,2}[-/.]\\d{1,2}|\\d{4}年\\d{1,2}月\\d{1,2}日|\\d{1,2}月\\d{1,2}日)';
const TIME_PART = '(?:[01]?\\d|2[0-3]):[0-5]\\d(?::[0-5]\\d)?';
const DATE_VALUE = `${DATE_PART}(?:\\s*${TIME_PART})?`;
const TIME_VALUE = `(?:${DATE_PART}\\s*)?${TIME_PART}`;
const range = (one: string) => new RegExp(`^${one}(?:\\s*~\\s*${one})?$`);
const DATE_RE = range(DATE_VALUE);
const TIME_RE = range(TIME_VALUE);

type Rule = (value: string) => string | undefined;

const maxLen =
  (n: number, what = 'characters') =>
  (v: string) =>
    [...v].length > n ? `must be at most ${n} ${what}` : undefined;

const RULES: Record<string, Rule> = {
  thing: maxLen(20),
  number: (v) =>
    !/^-?\d+(\.\d+)?$/.test(v) ? 'must be a number (digits, optional decimals)' : maxLen(32)(v),
  letter: (v) => (!/^[A-Za-z]+$/.test(v) ? 'must contain letters only' : maxLen(32)(v)),
  symbol: (v) => (/[\p{L}\p{N}\s]/u.test(v) ? 'must contain symbols only' : maxLen(5)(v)),
  character_string: (v) =>
    HAN.test(v) || !/^[\x20-\x7e]+$/.test(v)
      ? 'must contain only digits, letters and ASCII symbols'
      : maxLen(32)(v),
  time: (v) =>
    TIME_RE.test(v) ? undefined : 'must be a 24-hour time such as 15:01 or 2026年10月1日 15:01',
  date: (v) =>
    DATE_RE.test(v) ? undefined : 'must be a date such as 2026-01-01 (optionally with a time)',
  amount: (v) =>
    /^[¥￥$€£]?\d{1,10}(\.\d{1,2})?元?$/.test(v)
      ? undefined
      : 'must be an amount: an optional currency symbol, at most 10 digits, optional decimals, optional 元',
  phone_number: (v) =>
    /^[\d+\-() ]{1,17}$/.test(v)
      ? undefined
      : 'must be at most 17 digits and symbols (+ - ( ) space)',
  car_number: (v) =>
    [...v].length <= 8 &&
    /^[\p{Script=Han}A-Za-z0-9][A-Za-z0-9]*[\p{Script=Han}A-Za-z0-9]?$/u.test(v)
      ? undefined
      : 'must be a plate number: at most 8 characters, Chinese only first or last',
  name: (v) => (HAN.test(v) ? maxLen(10, 'characters when it contains Chinese')(v) : maxLen(20)(v)),
  phrase: (v) =>
    /^\p{Script=Han}{1,5}$/u.test(v)
      ? undefined
      : 'must be at most 5 Chinese characters, Chinese only',
  const: maxLen(20),
};

/** The type prefix of a data key (`character_string12` → `character_string`), if it has one. */
export function keyType(key: string): string | undefined {
  const match = /^([a-z_]+?)_?(\d+)$/.exec(key);
  return match?.[1];
}

/** Whether WeChat checks values of this key by type (category keys, not `keyword1`/`first`). */
export function isTypedKey(key: string): boolean {
  const type = keyType(key);
  return type !== undefined && type in RULES;
}

/** Keys WeChat has dropped from template messages since 2023-05-04; their values are ignored. */
const DROPPED_TEMPLATE_KEYS = new Set(['first', 'remark']);

/**
 * Checks one data value against its key's type rule. Typed keys (`thing1`, `time2`, …) follow
 * WeChat's per-type rules; historical keys (`keyword1`) only refuse line breaks, which WeChat
 * would silently cut; `first`/`remark` are not checked because WeChat drops them.
 * @returns a reason the value would be rejected, or undefined when WeChat would accept it
 */
export function checkDataValue(key: string, value: string): string | undefined {
  if (DROPPED_TEMPLATE_KEYS.has(key)) {
    return undefined;
  }
  if (CONTROL.test(value)) {
    return 'must not contain line breaks or control characters';
  }
  const type = keyType(key);
  const rule = type === undefined ? undefined : RULES[type];
  if (rule === undefined) {
    return undefined;
  }
  return value.length === 0 ? 'must not be empty' : rule(value);
}
