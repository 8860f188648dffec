import type { MessageType } from '@wechat-dispatch/core';

/** A WeChat request body after its own schema (field names as WeChat spells them). */
export interface WeChatBody {
  touser: string;
  template_id: string;
  data: Record<string, { value: string }>;
  url?: string | null;
  page?: string | null;
  miniprogram?: { appid: string; pagepath?: string | null } | null;
  miniprogram_state?: string | null;
  lang?: string | null;
}

/** Digits of a compat msgid; they stay below 2^53 so a JavaScript caller parses them exactly. */
const MSGID_SHAPE = /^[1-9][0-9]{0,15}$/;

/** Whether `id` has the shape of a compat route's numeric msgid (rather than a message id). */
export function isCompatMsgId(id: string): boolean {
  return MSGID_SHAPE.test(id) && Number(id) <= Number.MAX_SAFE_INTEGER;
}

/** An optional field WeChat treats as absent when empty (`url: ""`, `page: null`). */
const present = (value: string | null | undefined): string | undefined =>
  value === null || value === undefined || value === '' ? undefined : value;

/**
 * Turns a WeChat request body into a `/v1` message body, which is then validated by the very
 * same schema as `/v1/messages`: one set of rules, whichever door a message comes through.
 * Empty optional fields are dropped, as WeChat ignores them (`url: ""` in wechat-api's examples).
 */
export function toMessageBody(
  type: MessageType,
  body: WeChatBody,
  appId: string | undefined,
): unknown {
  const data = Object.fromEntries(
    Object.entries(body.data).map(([key, field]) => [key, { value: field.value }]),
  );
  const miniprogram =
    body.miniprogram && body.miniprogram.appid !== ''
      ? { appId: body.miniprogram.appid, pagePath: present(body.miniprogram.pagepath) }
      : undefined;
  const common = { type, appId, toUser: body.touser, templateId: body.template_id, data };
  switch (type) {
    case 'template':
      return { ...common, url: present(body.url), miniprogram };
    case 'subscribe':
      return {
        ...common,
        page: present(body.page),
        miniprogramState: present(body.miniprogram_state),
        lang: present(body.lang),
      };
    case 'bizsend':
      return { ...common, page: present(body.page), miniprogram };
  }
}

const WECHAT_NAMES: Record<string, string> = {
  appId: 'appid',
  toUser: 'touser',
  templateId: 'template_id',
  pagePath: 'pagepath',
  miniprogramState: 'miniprogram_state',
};

/** A `/v1` error path in WeChat's field names: `miniprogram.pagePath` → `miniprogram.pagepath`. */
export function toWeChatPath(path: string): string {
  return path
    .split('.')
    .map((part) => WECHAT_NAMES[part] ?? part)
    .join('.');
}
