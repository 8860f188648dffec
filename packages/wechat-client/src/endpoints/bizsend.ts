import type { EndpointContext, MessageData, MiniprogramLink, SendResult } from './endpoint-context';
import { postMessage } from './send-message';

/** `POST /cgi-bin/message/subscribe/bizsend`: OA subscription notification. */
export const BIZSEND_PATH = '/cgi-bin/message/subscribe/bizsend';

/** Body of a bizsend, in WeChat's field names. */
export interface BizSubscribeSendRequest {
  /** Recipient openid of this OA. */
  touser: string;
  template_id: string;
  /** Web URL opened on tap (OA meaning of `page`). */
  page?: string;
  /** Mini program jump; wins over `page` when both are set. */
  miniprogram?: MiniprogramLink;
  data: MessageData;
}

/** Success body of a bizsend (whether msgid is returned is undocumented). */
export interface BizSubscribeSendResponse {
  errcode: 0;
  errmsg: string;
  msgid?: string;
}

/** Sends an OA subscription notification. */
export function sendBizSubscribe(
  ctx: EndpointContext,
  accessToken: string,
  body: BizSubscribeSendRequest,
): Promise<SendResult> {
  return postMessage(ctx, BIZSEND_PATH, accessToken, body);
}
