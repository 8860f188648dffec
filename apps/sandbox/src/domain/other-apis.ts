import { createHash } from 'node:crypto';
import { checkAccess } from './check-access';
import { wechatError } from './errcodes';
import { isRecord, type ParsedBody } from './parse-body';
import type { WeChatBody } from '../http/reply';
import type { SandboxState } from '../state/sandbox-state';

/** WeChat's openid shape, as the send routes check it. */
const OPENID = /^[A-Za-z0-9_-]{6,64}$/;

/** The fixed menu `GET /cgi-bin/menu/get` answers (WeChat's own example, shortened). */
const MENU = {
  menu: {
    button: [
      { type: 'click', name: '今日歌曲', key: 'V1001_TODAY_MUSIC', sub_button: [] },
      { type: 'view', name: '搜索', url: 'https://www.soso.com/', sub_button: [] },
    ],
  },
};

/**
 * `GET /cgi-bin/user/info?openid=&lang=`: a follower's basic profile, or `{ subscribe: 0 }`
 * for a user whose profile says they unfollowed. An openid that cannot be one → 40003.
 */
export function userInfo(
  state: SandboxState,
  token: string | undefined,
  openid: string | undefined,
  lang: string | undefined,
): WeChatBody {
  const access = checkAccess(state, token);
  if (!access.ok) {
    return { ...access.error };
  }
  if (openid === undefined || !OPENID.test(openid)) {
    return { ...wechatError(40003) };
  }
  const profile = state.users.get(access.appid, openid);
  if (profile?.following === false) {
    return { subscribe: 0, openid };
  }
  return {
    subscribe: 1,
    openid,
    language: lang ?? 'zh_CN',
    subscribe_time: 1_700_000_000,
    remark: '',
    groupid: 0,
    tagid_list: [],
    subscribe_scene: 'ADD_SCENE_QR_CODE',
    qr_scene: 0,
    qr_scene_str: '',
  };
}

/** `GET /cgi-bin/menu/get`: the account's menu. */
export function menuGet(state: SandboxState, token: string | undefined): WeChatBody {
  const access = checkAccess(state, token);
  return access.ok ? structuredClone(MENU) : { ...access.error };
}

/**
 * `POST /cgi-bin/qrcode/create`: a ticket derived from the request (temporary codes carry
 * `expire_seconds`, 30 days at most, 60 s by default). A body without `action_name` → 47001.
 */
export function qrcodeCreate(
  state: SandboxState,
  token: string | undefined,
  body: ParsedBody,
): WeChatBody {
  const access = checkAccess(state, token);
  if (!access.ok) {
    return { ...access.error };
  }
  if (!body.ok || !isRecord(body.value) || typeof body.value.action_name !== 'string') {
    return { ...wechatError(47001) };
  }
  const permanent = body.value.action_name.startsWith('QR_LIMIT');
  const ticket = createHash('sha256')
    .update(`${access.appid}\u0000${JSON.stringify(body.value)}\u0000${state.now()}`)
    .digest('base64url');
  const answer: WeChatBody = { ticket, url: `http://weixin.qq.com/q/${ticket}` };
  if (!permanent) {
    const requested = body.value.expire_seconds;
    answer.expire_seconds =
      typeof requested === 'number' && requested > 0 ? Math.min(requested, 2_592_000) : 60;
  }
  return answer;
}
