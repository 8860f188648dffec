import { checkValue, valueTypeOf } from './value-rules';
import { isRecord } from './parse-body';
import { wechatError } from './errcodes';
import type { WeChatError } from './errcodes';
import type { DataValue, SendApi } from '../types';

/** Mini-program page rule: a relative path with an optional query; WeChat rejects a leading `/`. */
const PAGE_PATTERN = /^[A-Za-z0-9_\-.][A-Za-z0-9_\-./]*(\?[^\s]*)?$/;
const MINIPROGRAM_STATES = new Set(['developer', 'trial', 'formal']);
const LANGS = new Set(['zh_CN', 'en_US', 'zh_HK', 'zh_TW']);

function invalid(detail: string): WeChatError {
  return wechatError(47003, `argument invalid! ${detail}`);
}

/**
 * Applies WeChat's value rules to normalised `data`: typed keys (`thing1`, `amount02`) must
 * follow their type's rule on every API; historical template keys (`keyword1`) are accepted and
 * folded on display; subscribe and bizsend accept typed keys only.
 *
 * @returns the 47003 error naming the first bad field, or undefined
 */
export function validateData(
  api: SendApi,
  data: Record<string, DataValue>,
): WeChatError | undefined {
  const keys = Object.keys(data);
  if (api !== 'template' && keys.length === 0) {
    return invalid('data is empty');
  }
  for (const key of keys) {
    const type = valueTypeOf(key);
    if (type === undefined) {
      if (api === 'template') {
        continue;
      }
      return invalid(`data.${key}.value invalid`);
    }
    const problem = checkValue(type, data[key]?.value ?? '');
    if (problem) {
      return invalid(`data.${key}.value ${problem}`);
    }
  }
  return undefined;
}

/**
 * Checks the fields only subscribe/send has: `page` (41030 when malformed),
 * `miniprogram_state` and `lang` (47003 outside WeChat's lists).
 */
export function validateSubscribeFields(body: Record<string, unknown>): WeChatError | undefined {
  const { page, miniprogram_state: state, lang } = body;
  if (page !== undefined && page !== '' && (typeof page !== 'string' || !PAGE_PATTERN.test(page))) {
    return wechatError(41030);
  }
  if (state !== undefined && (typeof state !== 'string' || !MINIPROGRAM_STATES.has(state))) {
    return invalid('miniprogram_state invalid');
  }
  if (lang !== undefined && (typeof lang !== 'string' || !LANGS.has(lang))) {
    return invalid('lang invalid');
  }
  return undefined;
}

/** Checks `miniprogram` where given: an object with a string `appid` (47001 otherwise). */
export function validateMiniprogram(body: Record<string, unknown>): WeChatError | undefined {
  const mp = body.miniprogram;
  if (mp === undefined) {
    return undefined;
  }
  if (!isRecord(mp) || typeof mp.appid !== 'string' || mp.appid === '') {
    return wechatError(47001);
  }
  if (mp.pagepath !== undefined && (typeof mp.pagepath !== 'string' || /\s/.test(mp.pagepath))) {
    return wechatError(40165);
  }
  return undefined;
}
