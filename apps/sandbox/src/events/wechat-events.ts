import { createHash } from 'node:crypto';
import type { PushEvent } from './push-event';
import type { SandboxMessage } from '../types';

/** The account's original id (`gh_…`), derived from the appid when none is configured. */
export function originalIdOf(appid: string): string {
  return `gh_${createHash('sha1').update(appid).digest('hex').slice(0, 12)}`;
}

function head(toUserName: string, openid: string, event: string, nowMs: number): PushEvent {
  return {
    ToUserName: toUserName,
    FromUserName: openid,
    CreateTime: Math.floor(nowMs / 1000),
    MsgType: 'event',
    Event: event,
  };
}

/**
 * Maps a template delivery status onto the subscribe sent event's `ErrorCode`/`ErrorStatus`.
 * WeChat documents only `0`/`success`; the failure codes are the sandbox's own choice.
 */
export function sentEventResult(status: string): { ErrorCode: number; ErrorStatus: string } {
  if (status === 'success') {
    return { ErrorCode: 0, ErrorStatus: 'success' };
  }
  if (status.includes('user block')) {
    return { ErrorCode: 10005, ErrorStatus: 'fail:user block' };
  }
  return { ErrorCode: 10003, ErrorStatus: `fail:${status.replace(/^failed:\s*/, '')}` };
}

/**
 * What WeChat pushes after a send: `TEMPLATESENDJOBFINISH` for template messages,
 * `subscribe_msg_sent_event` for subscribe and bizsend.
 */
export function sendResultEvent(toUserName: string, m: SandboxMessage, nowMs: number): PushEvent {
  if (m.api === 'template') {
    return {
      ...head(toUserName, m.touser, 'TEMPLATESENDJOBFINISH', nowMs),
      fields: { MsgID: BigInt(m.msgid), Status: m.status },
    };
  }
  return {
    ...head(toUserName, m.touser, 'subscribe_msg_sent_event', nowMs),
    list: {
      wrapper: 'SubscribeMsgSentEvent',
      item: { TemplateId: m.template_id, MsgID: BigInt(m.msgid), ...sentEventResult(m.status) },
    },
  };
}

/**
 * The user acted on a subscribe popup (`accept`/`reject`). `PopupScene` 0 = inside a mini
 * program page, 1 = OA H5 page, 2 = OA article.
 */
export function popupEvent(
  toUserName: string,
  openid: string,
  templateId: string,
  status: 'accept' | 'reject',
  scene: number,
  nowMs: number,
): PushEvent {
  return {
    ...head(toUserName, openid, 'subscribe_msg_popup_event', nowMs),
    list: {
      wrapper: 'SubscribeMsgPopupEvent',
      item: { TemplateId: templateId, SubscribeStatusString: status, PopupScene: scene },
    },
  };
}

/** The user turned a template off in settings; WeChat pushes rejections only. */
export function changeEvent(
  toUserName: string,
  openid: string,
  templateId: string,
  nowMs: number,
): PushEvent {
  return {
    ...head(toUserName, openid, 'subscribe_msg_change_event', nowMs),
    list: {
      wrapper: 'SubscribeMsgChangeEvent',
      item: { TemplateId: templateId, SubscribeStatusString: 'reject' },
    },
  };
}
