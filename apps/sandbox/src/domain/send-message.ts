import { checkAccess, checkSendQuota } from './check-access';
import { validateSendShape } from './validate-send';
import { wechatError } from './errcodes';
import { sendResultEvent } from '../events/wechat-events';
import type { ParsedBody } from './parse-body';
import type { ValidSend } from './validate-send';
import type { WeChatError } from './errcodes';
import type { SandboxState } from '../state/sandbox-state';
import type { SandboxMessage, SendApi } from '../types';

/** What a send route answers. */
export type SendOutcome =
  { ok: true; msgid: bigint; message?: SandboxMessage } | { ok: false; error: WeChatError };

/** Registry and recipient checks that need the app: 40037, 43004, 43101. */
function checkRecipient(
  state: SandboxState,
  api: SendApi,
  appid: string,
  send: ValidSend,
): WeChatError | undefined {
  if (state.settings.requireKnownTemplates && !state.templates.find(send.template_id, appid, api)) {
    return wechatError(40037);
  }
  if (api !== 'template') {
    // One-time consent: each accepted popup allows one send of that template.
    return state.consents.consume(appid, send.touser, send.template_id)
      ? undefined
      : wechatError(43101);
  }
  const user = state.users.get(appid, send.touser);
  if (user?.following === false) {
    return wechatError(43004);
  }
  if (user?.refusedTemplates?.includes(send.template_id)) {
    return wechatError(43101);
  }
  return undefined;
}

/**
 * Runs one send call through WeChat's checks in WeChat's order (token, quota, shape, values,
 * dedupe, template and consent), records the delivery and schedules the result event.
 * `message` is absent when a repeated `client_msg_id` was deduplicated.
 */
export function processSend(
  state: SandboxState,
  api: SendApi,
  accessToken: string | undefined,
  body: ParsedBody,
): SendOutcome {
  const access = checkAccess(state, accessToken);
  if (!access.ok) {
    return access;
  }
  const { appid } = access;
  const quotaError = checkSendQuota(state, appid);
  if (quotaError) {
    return { ok: false, error: quotaError };
  }
  const valid = validateSendShape(api, body);
  if (!valid.ok) {
    return valid;
  }
  const { send } = valid;
  if (send.client_msg_id !== undefined) {
    const earlier = state.dedupe.find(appid, send.touser, send.client_msg_id);
    if (earlier !== undefined) {
      state.stats.deduplicated();
      return { ok: true, msgid: earlier };
    }
  }
  const refusal = checkRecipient(state, api, appid, send);
  if (refusal) {
    return { ok: false, error: refusal };
  }
  const msgid = state.msgids.take();
  if (send.client_msg_id !== undefined) {
    state.dedupe.remember(appid, send.touser, send.client_msg_id, msgid);
  }
  const message: SandboxMessage = {
    appid,
    api,
    ...send,
    msgid: msgid.toString(),
    at: new Date(state.now()).toISOString(),
    status: state.users.get(appid, send.touser)?.deliveryStatus ?? 'success',
  };
  state.deliveries.add(message);
  state.stats.delivery(appid);
  // Pushed after the answer: the timer fires only once this call has returned.
  state.events.push(appid, (gh) => sendResultEvent(gh, message, state.now()), message.msgid);
  return { ok: true, msgid, message };
}
