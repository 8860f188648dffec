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
 * WeChat's answer to a successful send, exactly as it writes it (keys in this order): the
 * one body the worker parses on every send, so it is read with one regex instead of
 * lossless-json's parser (what that saves: docs/benchmarks.md). Any other
 * body, or this one written differently, goes through lossless-json.
 */
const SEND_OK = new RegExp(
  // JSON's own whitespace between tokens, and a number without leading zeros, as JSON has it.
  String.raw`^\{_"errcode"_:_0_,_"errmsg"_:_"ok"_,_"msgid"_:_(0|[1-9]\d{0,19})_\}$`.replaceAll(
    '_',
    String.raw`[ \t\n\r]*`,
  ),
);

/**
 * Parses a WeChat response body whatever its content type. Returns undefined when the body is
 * empty, not JSON, or not a JSON object, which the caller treats as a transport failure.
 */
export function parseWeChatBody(raw: unknown): Record<string, unknown> | undefined {
  const text = typeof raw === 'string' ? raw.trim() : '';
  if (text.length === 0) {
    return undefined;
  }
  const sent = SEND_OK.exec(text);
  if (sent) {
    return { errcode: 0, errmsg: 'ok', msgid: parseNumber(sent[1]!) };
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
