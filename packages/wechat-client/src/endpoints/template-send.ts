import type { EndpointContext, MessageData, MiniprogramLink, SendResult } from './endpoint-context';
import { postMessage } from './send-message';

/** `POST /cgi-bin/message/template/send`: OA template message. */
export const TEMPLATE_SEND_PATH = '/cgi-bin/message/template/send';

/** Body of a template send, in WeChat's field names. */
export interface TemplateSendRequest {
  /** Recipient openid of this OA. */
  touser: string;
  template_id: string;
  /** Web page opened on tap (the mini program wins if both are set). */
  url?: string;
  miniprogram?: MiniprogramLink;
  data: MessageData;
  /**
   * Anti-reentry id: WeChat sends one message per `openid + client_msg_id` within 10 minutes,
   * so a retry after an ambiguous timeout cannot duplicate. Required here (CONTRACT §4).
   */
  client_msg_id: string;
}

/** Success body of a template send; msgid is a 64-bit integer. */
export interface TemplateSendResponse {
  errcode: 0;
  errmsg: string;
  msgid: string;
}

/** Sends an OA template message. */
export function sendTemplate(
  ctx: EndpointContext,
  accessToken: string,
  body: TemplateSendRequest,
): Promise<SendResult> {
  return postMessage(ctx, TEMPLATE_SEND_PATH, accessToken, body);
}
