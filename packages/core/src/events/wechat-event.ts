import { z } from 'zod';

/** One `List` item of a subscribe event (popup, change, sent), field names as WeChat's. */
export const subscribeEventItemSchema = z.object({
  TemplateId: z.string().optional(),
  SubscribeStatusString: z.string().optional(),
  PopupScene: z.string().optional(),
  MsgID: z.string().optional(),
  ErrorCode: z.string().optional(),
  ErrorStatus: z.string().optional(),
});
export type SubscribeEventItem = z.infer<typeof subscribeEventItemSchema>;

/**
 * A verified, decrypted event as the worker receives it. Every value is a string, exactly as
 * WeChat wrote it: `MsgID` is a 64-bit integer and must not pass through a JS number.
 */
export const wechatEventSchema = z.object({
  ToUserName: z.string(),
  FromUserName: z.string(),
  CreateTime: z.string(),
  MsgType: z.string(),
  Event: z.string(),
  MsgID: z.string().optional(),
  Status: z.string().optional(),
  /** The `List` of a subscribe event, always an array (JSON sends one item as an object). */
  List: z.array(subscribeEventItemSchema).default([]),
});
export type WeChatEvent = z.infer<typeof wechatEventSchema>;

/** The payload of a `wechat-events` job. */
export const wechatEventJobSchema = z.strictObject({
  appId: z.string().min(1),
  event: wechatEventSchema,
  receivedAt: z.string(),
  traceId: z.string().min(1),
});
export type WeChatEventJob = z.infer<typeof wechatEventJobSchema>;

/**
 * The dedupe identity of an event: WeChat retries a push up to 3 times and documents
 * FromUserName + CreateTime as the key; the event name and msgids are added because two
 * template results for one user can share a second.
 */
export function eventDedupeId(appId: string, event: WeChatEvent): string {
  const msgIds = [event.MsgID, ...event.List.map((item) => item.MsgID)].filter(Boolean);
  const templates = event.List.map((item) => item.TemplateId ?? '').join(',');
  return [
    appId,
    event.FromUserName,
    event.CreateTime,
    event.Event,
    msgIds.join(','),
    templates,
  ].join('|');
}
