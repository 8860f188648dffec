import { wechatError } from './errcodes';
import type { WeChatError } from './errcodes';
import type { SandboxState } from '../state/sandbox-state';

/** Either the app the caller is authenticated as, or the error WeChat would answer. */
export type AccessResult = { ok: true; appid: string } | { ok: false; error: WeChatError };

/**
 * Checks the `access_token` query parameter of a send route: missing → 41001, unknown or
 * replaced → 40001, expired → 42001.
 */
export function checkAccess(state: SandboxState, accessToken: string | undefined): AccessResult {
  if (accessToken === undefined || accessToken === '') {
    return { ok: false, error: wechatError(41001) };
  }
  const check = state.tokens.check(accessToken);
  if (!check.ok) {
    return { ok: false, error: wechatError(check.errcode) };
  }
  return { ok: true, appid: check.appid };
}

/**
 * Applies the per-app send caps: the per-minute rate cap (45011, calendar minutes as WeChat's
 * "retry next minute" implies) and the daily send quota (45009, CST days).
 */
export function checkSendQuota(state: SandboxState, appid: string): WeChatError | undefined {
  const cap = state.settings.rateCapPerMinute[appid];
  if (cap !== undefined) {
    const minute = Math.floor(state.now() / 60_000);
    const key = `${minute}:${appid}`;
    const used = state.minuteCounts.get(key) ?? 0;
    if (used >= cap) {
      state.stats.faultApplied();
      return wechatError(45011);
    }
    if (used === 0) {
      // A new minute: earlier minutes can never be read again.
      for (const k of state.minuteCounts.keys()) {
        if (!k.startsWith(`${minute}:`)) {
          state.minuteCounts.delete(k);
        }
      }
    }
    state.minuteCounts.set(key, used + 1);
  }
  const quota = state.settings.dailySendQuota[appid];
  if (quota !== undefined && state.daily.increment(`send:${appid}`) > quota) {
    return wechatError(45009);
  }
  return undefined;
}
