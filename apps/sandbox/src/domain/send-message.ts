import { checkAccess, checkSendQuota } from './check-access';
import { validateSendShape } from './validate-send';
import type { ParsedBody } from './parse-body';
import type { WeChatError } from './errcodes';
import type { SandboxState } from '../state/sandbox-state';
import type { SandboxMessage, SendApi } from '../types';

/** What a send route answers. */
export type SendOutcome =
  { ok: true; msgid: bigint; message?: SandboxMessage } | { ok: false; error: WeChatError };

/**
 * Runs one send call through WeChat's checks in WeChat's order (token, quota, shape, values,
 * dedupe) and records the delivery. `message` is absent when a repeat was deduplicated.
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
    status: 'success',
  };
  state.deliveries.add(message);
  state.stats.delivery(appid);
  return { ok: true, msgid, message };
}
