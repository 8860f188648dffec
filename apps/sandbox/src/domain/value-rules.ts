/**
 * WeChat's value rules for subscribe messages and category templates (wechat-facts §3.2, and
 * §2.3 for `const`), keyed by the type prefix of a data key (`thing1`, `character_string02`, …).
 * Lengths count Unicode characters, not UTF-16 units, as WeChat counts 汉字 as one.
 *
 * The service checks the same rules before it queues (packages/core); the two are written
 * apart on purpose, since the sandbox stands in for WeChat, and one test holds them to the same
 * verdicts. Where the facts leave a choice, the comment beside the rule says which reading.
 */

/** Every key type the sandbox checks. */
export const VALUE_TYPES = [
  'thing',
  'number',
  'letter',
  'symbol',
  'character_string',
  'time',
  'date',
  'amount',
  'phone_number',
  'car_number',
  'name',
  'phrase',
  'const',
  'enum',
] as const;

/** One key type. */
export type ValueType = (typeof VALUE_TYPES)[number];

const KEY_PATTERN = new RegExp(`^(${VALUE_TYPES.join('|')})(\\d+)$`);
const HAN = /^\p{Script=Han}$/u;
/** Control characters and the Unicode line separators: no type admits them (§3.2). */
const CONTROL = /[\p{Cc}\u2028\u2029]/u;
/** "Symbols": printable, and neither a letter, a digit nor whitespace. */
const SYMBOL = /^[^\p{L}\p{N}\s\p{Cc}]$/u;
const ASCII_ALNUM = /^[A-Za-z0-9]$/;

/** The type of a key such as `thing01`, or undefined for historical keys like `keyword1`. */
export function valueTypeOf(key: string): ValueType | undefined {
  return KEY_PATTERN.exec(key)?.[1] as ValueType | undefined;
}

function chars(value: string): string[] {
  return [...value];
}

// A date: 2018-01-01, 2018/01/01, 2018.01.01, 2018-01, 01-01, 2018年1月1日, 2018年1月, 1月1日.
const DATE_PART = String.raw`(?:\d{4}[-/.]\d{1,2}(?:[-/.]\d{1,2})?|\d{1,2}[-/.]\d{1,2}|\d{4}年\d{1,2}月(?:\d{1,2}日)?|\d{1,2}月\d{1,2}日)`;
// A 24-hour time, HH:MM or HH:MM:SS.
const TIME_PART = String.raw`(?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d)?`;
const DATE_VALUE = new RegExp(`^${DATE_PART}(?:\\s*${TIME_PART})?$`);
const TIME_VALUE = new RegExp(`^(?:${DATE_PART}\\s*)?${TIME_PART}$`);

/**
 * A value, or a range `a ~ b` of two values, each matching `single`. Spaces are allowed around
 * the `~` only: the facts show the formats bare, so WeChat is taken to match them exactly.
 */
function rangeOf(value: string, single: RegExp): boolean {
  const parts = value.split('~');
  if (parts.length > 2) {
    return false;
  }
  const [from = '', to] = parts;
  return to === undefined
    ? single.test(from)
    : single.test(from.trimEnd()) && single.test(to.trimStart());
}

function isName(value: string): boolean {
  const cs = chars(value);
  // §3.2 allows Chinese, or letters and symbols: digits are refused, spaces are kept for
  // Western names. Mixed Chinese and letters counts as a Chinese name: 10 characters at most.
  const allowed = cs.every((c) => HAN.test(c) || /^[A-Za-z ]$/.test(c) || SYMBOL.test(c));
  const max = cs.some((c) => HAN.test(c)) ? 10 : 20;
  return allowed && cs.length <= max;
}

function isCarNumber(value: string): boolean {
  const cs = chars(value);
  const last = cs.length - 1;
  // §3.2 states no minimum length, so a single character passes as WeChat's likely regex would.
  return (
    cs.length <= 8 &&
    cs.every((c, i) => ASCII_ALNUM.test(c) || ((i === 0 || i === last) && HAN.test(c)))
  );
}

const RULES: Readonly<Record<ValueType, (value: string) => boolean>> = {
  thing: (v) => chars(v).length <= 20,
  // "Digits only, decimals allowed": a minus sign is accepted, a plus sign is not; the limit
  // counts the whole value (point and sign too), as every other limit counts characters.
  number: (v) => /^-?\d+(?:\.\d+)?$/.test(v) && v.length <= 32,
  letter: (v) => /^[A-Za-z]{1,32}$/.test(v),
  symbol: (v) => chars(v).length <= 5 && chars(v).every((c) => SYMBOL.test(c)),
  character_string: (v) => /^[\x20-\x7E]{1,32}$/.test(v),
  time: (v) => rangeOf(v, TIME_VALUE),
  date: (v) => rangeOf(v, DATE_VALUE),
  amount: (v) => /^[¥￥$€£]?\d{1,10}(?:\.\d{1,2})?元?$/.test(v),
  // "Digits and symbols", and spaces as phone numbers are written.
  phone_number: (v) =>
    chars(v).length <= 17 && chars(v).every((c) => /^[0-9 ]$/.test(c) || SYMBOL.test(c)),
  car_number: isCarNumber,
  name: isName,
  phrase: (v) => /^\p{Script=Han}{1,5}$/u.test(v),
  // The approved lists live in WeChat's template registry, which the sandbox cannot see; their
  // values have `const`'s shape (§2.3: at most 20 characters).
  const: (v) => chars(v).length <= 20,
  enum: (v) => chars(v).length <= 20,
};

/** Why a value was refused, phrased as WeChat's errmsg suffix. */
export type ValueProblem = 'is empty' | 'invalid';

/**
 * Checks one value against its key's type.
 *
 * @returns undefined when the value is acceptable
 */
export function checkValue(type: ValueType, value: string): ValueProblem | undefined {
  if (value.trim() === '') {
    // `const` may be empty on category templates; everything else must carry a value.
    return type === 'const' ? undefined : 'is empty';
  }
  return !CONTROL.test(value) && RULES[type](value) ? undefined : 'invalid';
}
