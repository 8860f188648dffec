/**
 * WeChat's value rules for subscribe messages and category templates (wechat-facts §3.2), keyed
 * by the type prefix of a data key (`thing1`, `character_string02`, …). Lengths count Unicode
 * characters, not UTF-16 units, as WeChat counts 汉字 as one.
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
const HAN = /\p{Script=Han}/u;
const CONTROL = /\p{Cc}/u;
/** "Symbols": printable, and neither a letter, a digit nor whitespace. */
const SYMBOL = /^[^\p{L}\p{N}\s\p{Cc}]$/u;

/** The type of a key such as `thing01`, or undefined for historical keys like `keyword1`. */
export function valueTypeOf(key: string): ValueType | undefined {
  return KEY_PATTERN.exec(key)?.[1] as ValueType | undefined;
}

function chars(value: string): string[] {
  return [...value];
}

// A date: 2018-01-01, 2018/01/01, 2018.01.01, 2018-01, 01-01, 2018年1月1日, 1月1日.
const DATE_PART = String.raw`(?:\d{4}[-/.]\d{1,2}(?:[-/.]\d{1,2})?|\d{1,2}[-/.]\d{1,2}|\d{4}年\d{1,2}月(?:\d{1,2}日)?|\d{1,2}月\d{1,2}日)`;
// A 24-hour time, HH:MM or HH:MM:SS.
const TIME_PART = String.raw`(?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d)?`;
const DATE_VALUE = new RegExp(`^${DATE_PART}(?:\\s*${TIME_PART})?$`);
const TIME_VALUE = new RegExp(`^(?:${DATE_PART}\\s*)?${TIME_PART}$`);

/** A value, or a range `a~b` of two values, each matching `single`. */
function rangeOf(value: string, single: RegExp): boolean {
  const parts = value.split('~').map((p) => p.trim());
  return parts.length <= 2 && parts.every((p) => single.test(p));
}

function isName(value: string): boolean {
  const cs = chars(value);
  const allowed = cs.every((c) => HAN.test(c) || /[A-Za-z ]/.test(c) || SYMBOL.test(c));
  // Mixed Chinese and letters counts as a Chinese name: 10 characters at most.
  const max = cs.some((c) => HAN.test(c)) ? 10 : 20;
  return allowed && cs.length <= max;
}

function isCarNumber(value: string): boolean {
  const cs = chars(value);
  const alnum = (c: string): boolean => /^[A-Za-z0-9]$/.test(c);
  return (
    cs.length >= 2 &&
    cs.length <= 8 &&
    cs.every((c, i) => alnum(c) || ((i === 0 || i === cs.length - 1) && HAN.test(c)))
  );
}

const RULES: Readonly<Record<ValueType, (value: string) => boolean>> = {
  thing: (v) => chars(v).length <= 20 && !CONTROL.test(v),
  number: (v) => /^[+-]?\d+(?:\.\d+)?$/.test(v) && v.replace(/\D/g, '').length <= 32,
  letter: (v) => /^[A-Za-z]{1,32}$/.test(v),
  symbol: (v) => chars(v).length <= 5 && chars(v).every((c) => SYMBOL.test(c)),
  character_string: (v) => /^[\x20-\x7E]{1,32}$/.test(v),
  time: (v) => rangeOf(v, TIME_VALUE),
  date: (v) => rangeOf(v, DATE_VALUE),
  amount: (v) => /^[¥￥$€£]?\d{1,10}(?:\.\d{1,2})?元?$/.test(v),
  phone_number: (v) => /^[0-9+\-()# ]{1,17}$/.test(v),
  car_number: isCarNumber,
  name: isName,
  phrase: (v) => /^\p{Script=Han}{1,5}$/u.test(v),
  // The approved enum lists live in WeChat's template registry, which the sandbox cannot see.
  const: (v) => chars(v).length <= 20 && !CONTROL.test(v),
  enum: (v) => chars(v).length <= 20 && !CONTROL.test(v),
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
  return RULES[type](value) ? undefined : 'invalid';
}
