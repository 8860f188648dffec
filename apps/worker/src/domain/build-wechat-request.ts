import type { Message } from '@wechat-dispatch/core';
import type {
  BizSubscribeSendRequest,
  SubscribeSendRequest,
  TemplateSendRequest,
} from '@wechat-dispatch/wechat-client';

/** A message in the shape of the WeChat endpoint it goes to. */
export type WeChatRequest =
  | { api: 'template'; body: TemplateSendRequest }
  | { api: 'subscribe'; body: SubscribeSendRequest }
  | { api: 'bizsend'; body: BizSubscribeSendRequest };

/**
 * Maps a stored message to WeChat's request body. Template messages carry `client_msg_id` =
 * the message id on every attempt, so WeChat drops a repeat within 10 minutes.
 */
export function buildWeChatRequest(messageId: string, message: Message): WeChatRequest {
  const miniprogram = message.miniprogram
    ? { appid: message.miniprogram.appId, pagepath: message.miniprogram.pagePath }
    : undefined;
  switch (message.type) {
    case 'template':
      return {
        api: 'template',
        body: {
          touser: message.toUser,
          template_id: message.templateId,
          url: message.url,
          miniprogram,
          data: message.data,
          client_msg_id: messageId,
        },
      };
    case 'subscribe':
      return {
        api: 'subscribe',
        body: {
          touser: message.toUser,
          template_id: message.templateId,
          page: message.page,
          data: message.data,
          miniprogram_state: message.miniprogramState,
          lang: message.lang,
        },
      };
    case 'bizsend':
      return {
        api: 'bizsend',
        body: {
          touser: message.toUser,
          template_id: message.templateId,
          page: message.page,
          miniprogram,
          data: message.data,
        },
      };
  }
}
