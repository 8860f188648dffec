import { wechatRequest } from '../http/wechat-request';
import { idToString } from '../http/parse-body';
import type { EndpointContext, SendResult } from './endpoint-context';

/**
 * POSTs a message body to a send endpoint with the token in the query and maps the answer.
 * The token is only in the query string, which no error or log line ever sees.
 */
export async function postMessage(
  ctx: EndpointContext,
  path: string,
  accessToken: string,
  body: object,
): Promise<SendResult> {
  const answer = await wechatRequest(ctx.http, {
    method: 'POST',
    path,
    params: { access_token: accessToken },
    body,
    endpointKind: 'send',
    secrets: [accessToken],
    timeoutMs: ctx.timeoutMs,
  });
  const msgid = idToString(answer.msgid);
  return msgid === undefined ? {} : { msgid };
}
