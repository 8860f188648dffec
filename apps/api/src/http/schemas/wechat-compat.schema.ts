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
  pagepath: z.string().nullish(),
});

/** An optional text WeChat tolerates empty or null (treated as absent). */
const optionalText = () => z.string().nullish();

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
    url: optionalText(),
    miniprogram: wechatMiniprogram.nullish(),
  })
  .meta({ id: 'WeChatTemplateSend' });

/** `POST /cgi-bin/message/subscribe/send` body. */
export const wechatSubscribeBodySchema = z
  .object({
    ...common,
    page: optionalText(),
    miniprogram_state: optionalText(),
    lang: optionalText(),
  })
  .meta({ id: 'WeChatSubscribeSend' });

/** `POST /cgi-bin/message/subscribe/bizsend` body. */
export const wechatBizsendBodySchema = z
  .object({
    ...common,
    page: optionalText(),
    miniprogram: wechatMiniprogram.nullish(),
  })
  .meta({ id: 'WeChatBizsendSend' });

/** The query of every compat route: our API key in WeChat's `access_token` slot. */
export const wechatQuerySchema = z.object({
  access_token: z.string().optional().meta({
    description:
      'A dispatch token from GET /cgi-bin/token (it implies its app), or an API key from API_KEYS.',
  }),
  appid: z.string().optional().meta({
    description:
      'The app to send from, with an API key; required when more than one app is configured. A dispatch token implies its app.',
  }),
});

/** WeChat's answer shape. */
export const wechatAnswerSchema = z
  .object({
    errcode: z.number().int(),
    errmsg: z.string(),
    msgid: z.number().int().optional().meta({
      description:
        'A JSON integer, as WeChat answers (unique, below 2^53); GET /v1/messages/{msgid} resolves it.',
    }),
  })
  .meta({ id: 'WeChatAnswer' });

/** `GET /cgi-bin/token` query, as WeChat takes it. */
export const wechatTokenQuerySchema = z.object({
  grant_type: z.literal('client_credential'),
  appid: z.string().meta({ description: 'The app’s appid.' }),
  secret: z.string().meta({ description: 'The app’s AppSecret (as configured here).' }),
});

/** `POST /cgi-bin/stable_token` body. */
export const wechatStableTokenBodySchema = z
  .object({
    grant_type: z.literal('client_credential'),
    appid: z.string(),
    secret: z.string(),
    force_refresh: z.boolean().optional().meta({
      description: 'true: a new token (the previous ones stay valid until they expire).',
    }),
  })
  .meta({ id: 'WeChatStableTokenRequest' });

/** The token answer, or WeChat's error shape. */
export const wechatTokenAnswerSchema = z
  .object({
    access_token: z.string().optional().meta({
      description:
        'A dispatch token (`wxdt_…`): bound to the app and its compat caller, never the WeChat token.',
    }),
    expires_in: z.number().int().optional(),
    errcode: z.number().int().optional().meta({
      description:
        '40002 grant_type, 41002/41004 appid/secret missing, 40013 appid, 40125 secret, 45011 throttled.',
    }),
    errmsg: z.string().optional(),
  })
  .meta({ id: 'WeChatTokenAnswer' });
