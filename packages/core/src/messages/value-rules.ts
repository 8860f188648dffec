/**
 * WeChat's rules for subscribe-message (and category-template) data values, by the type prefix
 * of the key (`thing1` → `thing`). Source: wechat-facts §3.2, and §2.3 for `const`. A value that
 * breaks one of these is answered by WeChat with 47003; we answer 400 before anything is queued.
 *
 * The sandbox writes the same rules on its own (it stands in for WeChat and imports nothing of
 * ours); `packages/core/test/value-rules-agreement.test.ts` holds both to the same verdicts.
 * Where the facts leave a choice, the comment beside the rule says which reading both take.
 */

const HAN = /\p{Script=Han}/u;
/** Line breaks and other control characters: WeChat cuts the value there (wechat-facts §2.3). */
const CONTROL = /[\p{Cc}\u2028\u2029]/u;
const NOT_SYMBOL = /[\p{L}\p{N}\s\p{Cc}]/u;
const EMPTY = 'must not be empty';
const LINE_BREAK = 'must not contain line breaks or control characters';

// Dates as wechat-facts §3.2 lists them (2018-01-01, 2018/01/01, 2018.01.01, 2018-01, 01-01)
// and their Chinese forms. `2026年11月` is a year and month like `2018-01`, so it is a date too.
/** Date forms, as a regular-expression source (shared with the OpenAPI value schemas). */
export const DATE_PART = [
  String.raw`\d{4}[-/.]\d{1,2}(?:[-/.]\d{1,2})?`,
  String.raw`\d{1,2}[-/.]\d{1,2}`,
  String.raw`\d{4}年\d{1,2}月(?:\d{1,2}日)?`,
  String.raw`\d{1,2}月\d{1,2}日`,
].join('|');
/** A 24-hour time, as a regular-expression source. */
export const TIME_PART = String.raw`(?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d)?`;
/** One value, or a range of two joined by `~`; nothing around it. */
const rangeOf = (one: string): RegExp => new RegExp(`^(?:${one})(?:\\s*~\\s*(?:${one}))?$`, 'u');
const DATE_RE = rangeOf(`(?:${DATE_PART})(?:\\s*${TIME_PART})?`);
const TIME_RE = rangeOf(`(?:(?:${DATE_PART})\\s*)?${TIME_PART}`);

/** A reason the value is refused, or undefined. */
type Rule = (value: string) => string | undefined;

const atMost =
  (n: number, what = 'characters'): Rule =>
  (v) =>
    [...v].length > n ? `must be at most ${n} ${what}` : undefined;

const matching =
  (pattern: RegExp, reason: string): Rule =>
  (v) =>
    pattern.test(v) ? undefined : reason;

/** The first reason any of `rules` gives. */
const all =
  (...rules: Rule[]): Rule =>
  (v) => {
    for (const rule of rules) {
      const reason = rule(v);
      if (reason !== undefined) {
        return reason;
      }
    }
    return undefined;
  };

const isSymbol = (c: string): boolean => !NOT_SYMBOL.test(c);

const RULES: Readonly<Record<string, Rule>> = {
  thing: atMost(20),
  // "Digits only, decimals allowed": a minus sign stays (a negative number is still a number),
  // a plus sign does not. The 32 count the whole value, as every other limit does.
  number: all(
    matching(/^-?\d+(?:\.\d+)?$/, 'must be a number (digits, optional - and decimals)'),
    atMost(32),
  ),
  letter: all(matching(/^[A-Za-z]+$/, 'must contain letters only'), atMost(32)),
  symbol: all((v) => ([...v].every(isSymbol) ? undefined : 'must contain symbols only'), atMost(5)),
  character_string: all(
    matching(/^[\x20-\x7e]+$/, 'must contain only digits, letters and ASCII symbols'),
    atMost(32),
  ),
  time: matching(TIME_RE, 'must be a 24-hour time such as 15:01 or 2026年10月1日 15:01'),
  date: matching(DATE_RE, 'must be a date such as 2026-01-01 (optionally with a time)'),
  amount: matching(
    /^[¥￥$€£]?\d{1,10}(?:\.\d{1,2})?元?$/,
    'must be an amount: an optional currency symbol, at most 10 digits, optional decimals, optional 元',
  ),
  // "Digits and symbols"; spaces too, as numbers are written `(0766) 6688 8866`.
  phone_number: all(
    (v) =>
      [...v].every((c) => /[0-9 ]/.test(c) || isSymbol(c))
        ? undefined
        : 'must contain only digits, symbols and spaces',
    atMost(17),
  ),
  // No minimum length is stated, so none is enforced.
  car_number: matching(
    /^(?:[\p{Script=Han}A-Za-z0-9]|[\p{Script=Han}A-Za-z0-9][A-Za-z0-9]{0,6}[\p{Script=Han}A-Za-z0-9])$/u,
    'must be a plate number: at most 8 letters and digits, Chinese only first or last',
  ),
  // "Chinese, or letters and symbols": no digits. Any Chinese makes it a Chinese name (≤ 10).
  name: (v) =>
    [...v].every((c) => HAN.test(c) || /[A-Za-z ]/.test(c) || isSymbol(c))
      ? HAN.test(v)
        ? atMost(10, 'characters when it contains Chinese')(v)
        : atMost(20)(v)
      : 'must contain only Chinese, letters, spaces and symbols',
  phrase: matching(/^\p{Script=Han}{1,5}$/u, 'must be at most 5 Chinese characters, Chinese only'),
  // The approved lists are WeChat's; they hold values of `const`'s shape (§2.3: ≤ 20).
  const: atMost(20),
  enum: atMost(20),
};

/** The rule of a type, if WeChat has one (own keys only: `constructor` is no type). */
const ruleOf = (type: string | undefined): Rule | undefined =>
  type !== undefined && Object.hasOwn(RULES, type) ? RULES[type] : undefined;

/** The type prefix of a data key (`character_string12` → `character_string`), if it has one. */
export function keyType(key: string): string | undefined {
  return /^([a-z_]*[a-z])(\d+)$/.exec(key)?.[1];
}

/** Whether WeChat checks values of this key by type (category keys, not `keyword1`/`first`). */
export function isTypedKey(key: string): boolean {
  return ruleOf(keyType(key)) !== undefined;
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
  const type = keyType(key);
  const rule = ruleOf(type);
  if (rule === undefined) {
    return CONTROL.test(value) ? LINE_BREAK : undefined;
  }
  // Blank counts as empty (WeChat's `is empty` is taken to trim); `const` may be empty (§2.3).
  if (value.trim() === '') {
    return type === 'const' ? undefined : EMPTY;
  }
  return CONTROL.test(value) ? LINE_BREAK : rule(value);
}
