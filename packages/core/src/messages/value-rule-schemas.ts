import { DATE_PART, TIME_PART } from './value-rules';

/**
 * WeChat's per-type value rules (value-rules.ts) as JSON Schema, for the OpenAPI document's
 * `patternProperties`. Each schema accepts only values the rule accepts (a property test holds
 * them to `checkDataValue`); where JSON Schema cannot say all of a rule, it says less and the
 * `description` says the rest: "Chinese" is the CJK Unified Ideographs block U+4E00–U+9FA5
 * (the rule takes every Han character) and "symbols" are ASCII punctuation (the rule takes any
 * character that is not a letter, digit, space or control character).
 */
export interface ValueSchema {
  type: 'string';
  pattern?: string;
  maxLength?: number;
  minLength?: number;
  description?: string;
  anyOf?: ValueSchema[];
}

/** Control characters and line separators, which WeChat cuts a value at. */
const CONTROL = String.raw`\x00-\x1f\x7f-\x9f\u2028\u2029`;
const SPACE = String.raw`\s`;
const HAN = String.raw`\u4e00-\u9fa5`;
const SYMBOL = String.raw`!-\/:-@\[-\x60{-~`;

/** Characters of `allowed`, with at least one of `required` among them. */
const withOne = (allowed: string, required: string): string =>
  `^[${allowed}]*[${required}][${allowed}]*$`;

const rangeOf = (one: string): string => `^(?:${one})(?: *~ *(?:${one}))?$`;

const NOT_BLANK = `^[^${CONTROL}]*[^${SPACE}${CONTROL}][^${CONTROL}]*$`;

const text = (maxLength: number, description: string): ValueSchema => ({
  type: 'string',
  pattern: NOT_BLANK,
  maxLength,
  description: `${description}; not blank, no line breaks or control characters`,
});

/** The JSON Schema of a value, by the type prefix of its key (`thing1` → `thing`). */
export const VALUE_RULE_SCHEMAS: Readonly<Record<string, ValueSchema>> = {
  thing: text(20, 'At most 20 characters'),
  number: {
    type: 'string',
    pattern: String.raw`^-?[0-9]+(?:\.[0-9]+)?$`,
    maxLength: 32,
    description: 'A number: digits, an optional minus sign and decimals; at most 32 characters',
  },
  letter: {
    type: 'string',
    pattern: '^[A-Za-z]+$',
    maxLength: 32,
    description: 'Letters only; at most 32',
  },
  symbol: {
    type: 'string',
    pattern: `^[${SYMBOL}]+$`,
    maxLength: 5,
    description: 'Symbols only (any character that is not a letter, digit or space); at most 5',
  },
  character_string: {
    type: 'string',
    pattern: withOne(String.raw`\x20-\x7e`, String.raw`\x21-\x7e`),
    maxLength: 32,
    description: 'Digits, letters and ASCII symbols; at most 32',
  },
  time: {
    type: 'string',
    pattern: rangeOf(`(?:(?:${DATE_PART}) *)?${TIME_PART}`),
    description: 'A 24-hour time (15:01, 2026年10月1日 15:01), or a range of two joined by ~',
  },
  date: {
    type: 'string',
    pattern: rangeOf(`(?:${DATE_PART})(?: *${TIME_PART})?`),
    description:
      'A date (2026-01-01, 2026/01/01, 2026年1月1日), optionally with a time, or a range',
  },
  amount: {
    type: 'string',
    pattern: String.raw`^[¥￥$€£]?[0-9]{1,10}(?:\.[0-9]{1,2})?元?$`,
    description:
      'An amount: an optional currency symbol, at most 10 digits, optional decimals, optional 元',
  },
  phone_number: {
    type: 'string',
    pattern: withOne(`0-9 ${SYMBOL}`, `0-9${SYMBOL}`),
    maxLength: 17,
    description: 'Digits, symbols and spaces; at most 17',
  },
  car_number: {
    type: 'string',
    pattern: `^(?:[${HAN}A-Za-z0-9]|[${HAN}A-Za-z0-9][A-Za-z0-9]{0,6}[${HAN}A-Za-z0-9])$`,
    description: 'A plate number: at most 8 letters and digits, Chinese only first or last',
  },
  name: {
    type: 'string',
    description: 'Chinese (at most 10), or letters, spaces and symbols (at most 20); no digits',
    anyOf: [
      { type: 'string', pattern: withOne(`A-Za-z ${SYMBOL}`, `A-Za-z${SYMBOL}`), maxLength: 20 },
      { type: 'string', pattern: withOne(`${HAN}A-Za-z ${SYMBOL}`, HAN), maxLength: 10 },
    ],
  },
  phrase: {
    type: 'string',
    pattern: `^[${HAN}]{1,5}$`,
    description: 'At most 5 Chinese characters, Chinese only',
  },
  const: {
    type: 'string',
    pattern: `^[^${CONTROL}]*$`,
    maxLength: 20,
    description: 'A value of the approved list; at most 20 characters, may be empty',
  },
  enum: text(20, 'A value of the approved list; at most 20 characters'),
};

/** The key pattern of a type: `thing` → `^thing[0-9]+$`. */
export const typedKeyPattern = (type: string): string => `^${type}[0-9]+$`;
