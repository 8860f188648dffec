import { z } from 'zod';

/**
 * WeChat's own request bodies (wechat-facts §2–§4), as a service that called WeChat directly
 * sends them. Unlike `/v1`, unknown top-level fields are dropped rather than refused: WeChat
 * ignores them too (`topcolor`, `color`), and the point of these routes is that nothing but the
 * base URL and the credential changes. Field values are checked later by the `/v1` schemas.
 */

const required = (field: string) => ({ error: `${field} is required and must be a string` });

/** A data value: `{ value, color? }`; colour is ignored (WeChat dropped it in 2023). */
const wechatDataValue = z
  .object({
    value: z.union([z.string(), z.number().transform(String)]),
    color: z.string().optional(),
  })
  .meta({ description: 'A template field; `color` is accepted and ignored, as WeChat does.' });

const wechatData = z.record(z.string(), wechatDataValue);

const wechatMiniprogram = z.object({
  appid: z.string(required('miniprogram.appid')),
  pagepath: z.string().optional(),
});

const common = {
  touser: z.string(required('touser')).meta({ description: 'The recipient openid.' }),
  template_id: z.string(required('template_id')),
  data: wechatData,
  client_msg_id: z.string().min(1).max(128).optional().meta({
    description:
      "Used as this request's Idempotency-Key (per caller, 24 h): a repeat answers with the first msgid.",
  }),
};

/** `POST /cgi-bin/message/template/send` body. */
export const wechatTemplateBodySchema = z
  .object({
    ...common,
    url: z.string().optional(),
    miniprogram: wechatMiniprogram.optional(),
  })
  .meta({ id: 'WeChatTemplateSend' });

/** `POST /cgi-bin/message/subscribe/send` body. */
export const wechatSubscribeBodySchema = z
  .object({
    ...common,
    page: z.string().optional(),
    miniprogram_state: z.string().optional(),
    lang: z.string().optional(),
  })
  .meta({ id: 'WeChatSubscribeSend' });

/** `POST /cgi-bin/message/subscribe/bizsend` body. */
export const wechatBizsendBodySchema = z
  .object({
    ...common,
    page: z.string().optional(),
    miniprogram: wechatMiniprogram.optional(),
  })
  .meta({ id: 'WeChatBizsendSend' });

/** The query of every compat route: our API key in WeChat's `access_token` slot. */
export const wechatQuerySchema = z.object({
  access_token: z.string().optional().meta({ description: 'An API key from API_KEYS.' }),
  appid: z.string().optional().meta({
    description: 'The app to send from; required when more than one app is configured.',
  }),
});

/** WeChat's answer shape. */
export const wechatAnswerSchema = z
  .object({
    errcode: z.number().int(),
    errmsg: z.string(),
    msgid: z.string().optional().meta({ description: 'Our message id (GET /v1/messages/{id}).' }),
  })
  .meta({ id: 'WeChatAnswer' });
