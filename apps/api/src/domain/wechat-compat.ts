import type { MessageType } from '@wechat-dispatch/core';

/** A WeChat request body after its own schema (field names as WeChat spells them). */
export interface WeChatBody {
  touser: string;
  template_id: string;
  data: Record<string, { value: string }>;
  url?: string;
  page?: string;
  miniprogram?: { appid: string; pagepath?: string };
  miniprogram_state?: string;
  lang?: string;
}

/**
 * Turns a WeChat request body into a `/v1` message body, which is then validated by the very
 * same schema as `/v1/messages`: one set of rules, whichever door a message comes through.
 */
export function toMessageBody(
  type: MessageType,
  body: WeChatBody,
  appId: string | undefined,
): unknown {
  const data = Object.fromEntries(
    Object.entries(body.data).map(([key, field]) => [key, { value: field.value }]),
  );
  const miniprogram = body.miniprogram
    ? { appId: body.miniprogram.appid, pagePath: body.miniprogram.pagepath }
    : undefined;
  const common = { type, appId, toUser: body.touser, templateId: body.template_id, data };
  switch (type) {
    case 'template':
      return { ...common, url: body.url, miniprogram };
    case 'subscribe':
      return {
        ...common,
        page: body.page,
        miniprogramState: body.miniprogram_state,
        lang: body.lang,
      };
    case 'bizsend':
      return { ...common, page: body.page, miniprogram };
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
