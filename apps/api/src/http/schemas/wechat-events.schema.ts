import { z } from 'zod';

/** `:appId` of the event URL. */
export const eventParamsSchema = z.object({
  appId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be an appId'),
});

/** The query WeChat puts on a push or on the URL-verification GET. */
export const eventQuerySchema = z.object({
  signature: z.string().max(64).optional(),
  timestamp: z.string().max(16).optional(),
  nonce: z.string().max(64).optional(),
  echostr: z.string().max(256).optional(),
  openid: z.string().max(128).optional(),
  encrypt_type: z.string().max(16).optional(),
  msg_signature: z.string().max(64).optional(),
});

/** `:appId/:openid` of the consent ledger. */
export const consentParamsSchema = z.object({
  appId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be an appId'),
  openid: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, 'must be an openid'),
});

/** `GET /v1/consents/:appId/:openid`. */
export const consentsSchema = z
  .object({
    appId: z.string(),
    openid: z.string(),
    enforced: z
      .boolean()
      .meta({ description: 'Whether subscribe/bizsend messages of this app need a grant.' }),
    templates: z.array(
      z.object({
        templateId: z.string(),
        available: z.number().int().meta({ description: 'Unused one-time grants.' }),
        reserved: z.number().int().meta({ description: 'Grants held by queued messages.' }),
        updatedAt: z.string(),
      }),
    ),
  })
  .meta({ id: 'Consents' });
