import { isInteger, isSafeNumber, parse } from 'lossless-json';

/**
 * Parses a number token from a WeChat JSON body: integers beyond 2^53 stay strings with every
 * digit (WeChat's 64-bit `msgid`), everything else becomes a JS number.
 */
function parseNumber(value: string): number | string {
  if (isInteger(value) && !isSafeNumber(value)) {
    return value;
  }
  return Number(value);
}

/**
 * Parses a WeChat response body whatever its content type. Returns undefined when the body is
 * empty, not JSON, or not a JSON object, which the caller treats as a transport failure.
 */
export function parseWeChatBody(raw: unknown): Record<string, unknown> | undefined {
  const text = typeof raw === 'string' ? raw.trim() : '';
  if (text.length === 0) {
    return undefined;
  }
  let value: unknown;
  try {
    value = parse(text, null, parseNumber);
  } catch {
    return undefined;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return undefined;
  }
  return value as Record<string, unknown>;
}

/**
 * A JSON id as a string with every digit: a 64-bit msgid arrives as a string from
 * {@link parseWeChatBody} when it is above 2^53 and as a number when small.
 */
export function idToString(value: unknown): string | undefined {
  if (typeof value === 'string' && value.length > 0) {
    return value;
  }
  if (typeof value === 'number' && Number.isSafeInteger(value)) {
    return String(value);
  }
  return undefined;
}
