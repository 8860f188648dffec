import type { EndpointContext, MessageData, SendResult } from './endpoint-context';
import { postMessage } from './send-message';

/** `POST /cgi-bin/message/subscribe/send`: mini program subscribe message. */
export const SUBSCRIBE_SEND_PATH = '/cgi-bin/message/subscribe/send';

/** Which version of the mini program a tap opens. */
export type MiniprogramState = 'developer' | 'trial' | 'formal';

/** Language of the message card. */
export type SubscribeLang = 'zh_CN' | 'en_US' | 'zh_HK' | 'zh_TW';

/** Body of a subscribe send, in WeChat's field names. */
export interface SubscribeSendRequest {
  /** Recipient openid of this mini program. */
  touser: string;
  template_id: string;
  /** Mini program page with query, no leading `/`; must exist in the released version. */
  page?: string;
  data: MessageData;
  /** @defaultValue 'formal' (WeChat's default) */
  miniprogram_state?: MiniprogramState;
  /** @defaultValue 'zh_CN' (WeChat's default) */
  lang?: SubscribeLang;
}

/** Success body of a subscribe send. */
export interface SubscribeSendResponse {
  errcode: 0;
  errmsg: string;
  msgid?: string;
}

/** Sends a mini program subscribe message. */
export function sendSubscribe(
  ctx: EndpointContext,
  accessToken: string,
  body: SubscribeSendRequest,
): Promise<SendResult> {
  return postMessage(ctx, SUBSCRIBE_SEND_PATH, accessToken, body);
}
