import { isRecord } from './parse-body';
import { wechatError } from './errcodes';
import { validateData, validateMiniprogram, validateSubscribeFields } from './validate-data';
import type { ParsedBody } from './parse-body';
import type { WeChatError } from './errcodes';
import type { DataValue, SendApi } from '../types';

/** A send request that passed validation, normalised. */
export interface ValidSend {
  touser: string;
  template_id: string;
  data: Record<string, DataValue>;
  /** Template `url` or subscribe/bizsend `page`. */
  url?: string;
  miniprogram?: { appid: string; pagepath?: string };
  client_msg_id?: string;
}

/** Documented openid rule: 6–64 of `[A-Za-z0-9_-]` (real openids are 28 characters). */
export const OPENID_PATTERN = /^[A-Za-z0-9_-]{6,64}$/;

/** Documented template id rule: 1–128 of `[A-Za-z0-9_-]` (real ids are 43 characters). */
export const TEMPLATE_ID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;

/** Keys WeChat has silently dropped from template messages since 2023-05-04. */
const DROPPED_TEMPLATE_KEYS = new Set(['first', 'remark']);

export type ValidationResult = { ok: true; send: ValidSend } | { ok: false; error: WeChatError };

/**
 * Checks the shape every send route shares: a JSON object (47001), `touser` (40003),
 * `template_id` (40037) and a `data` object (47001). Then the value rules (47003) and the
 * API-specific fields (`page` 41030, `miniprogram` 40165).
 */
export function validateSendShape(api: SendApi, parsed: ParsedBody): ValidationResult {
  if (!parsed.ok || !isRecord(parsed.value)) {
    return { ok: false, error: wechatError(47001) };
  }
  const body = parsed.value;
  const { touser, template_id: templateId, data } = body;
  if (touser === undefined || templateId === undefined || !isRecord(data)) {
    return { ok: false, error: wechatError(47001) };
  }
  if (typeof touser !== 'string' || !OPENID_PATTERN.test(touser)) {
    return { ok: false, error: wechatError(40003) };
  }
  if (typeof templateId !== 'string' || !TEMPLATE_ID_PATTERN.test(templateId)) {
    return { ok: false, error: wechatError(40037) };
  }
  const normalised: Record<string, DataValue> = {};
  for (const [key, raw] of Object.entries(data)) {
    if (api === 'template' && DROPPED_TEMPLATE_KEYS.has(key)) {
      continue;
    }
    // Colours are ignored since 2023, so only `value` is kept.
    const value = isRecord(raw) ? raw.value : undefined;
    normalised[key] = {
      value: typeof value === 'string' || typeof value === 'number' ? String(value) : '',
    };
  }
  const fieldError =
    validateData(api, normalised) ??
    validateMiniprogram(body) ??
    (api === 'subscribe' ? validateSubscribeFields(body) : undefined);
  if (fieldError) {
    return { ok: false, error: fieldError };
  }
  const send: ValidSend = { touser, template_id: templateId, data: normalised };
  const link = api === 'template' ? body.url : body.page;
  if (typeof link === 'string' && link !== '') {
    send.url = link;
  }
  if (isRecord(body.miniprogram) && typeof body.miniprogram.appid === 'string') {
    const pagepath = body.miniprogram.pagepath;
    send.miniprogram = {
      appid: body.miniprogram.appid,
      ...(typeof pagepath === 'string' ? { pagepath } : {}),
    };
  }
  if (api === 'template' && typeof body.client_msg_id === 'string' && body.client_msg_id !== '') {
    send.client_msg_id = body.client_msg_id;
  }
  return { ok: true, send };
}
