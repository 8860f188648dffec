import { z } from 'zod';
import { eventQuerySchema } from './wechat-events.schema';

const appIdRule = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 of A-Z a-z 0-9 _ - (e.g. wx + 16 hex digits)');

/** `:componentAppId`. */
export const componentParamsSchema = z.object({
  componentAppId: appIdRule.meta({ example: 'wxcomponent0000001' }),
});

/** `:componentAppId/events/:authorizerAppId`. */
export const componentEventParamsSchema = z.object({
  componentAppId: appIdRule,
  authorizerAppId: appIdRule,
});

/** `PUT /v1/admin/components/:componentAppId` body; secrets are write-only. */
export const componentPutBodySchema = z
  .strictObject({
    componentSecret: z.string().min(1, 'is required').max(128),
    token: z.string().regex(/^[A-Za-z0-9]{3,32}$/, 'must be 3-32 letters or digits'),
    encodingAesKey: z.string().regex(/^[A-Za-z0-9+/]{43}$/, 'must be 43 base64 characters'),
  })
  .meta({
    id: 'ComponentPut',
    example: {
      componentSecret: 'your-component-secret',
      token: 'platformToken1',
      encodingAesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
    },
  });

/** `POST /v1/admin/components/:componentAppId/authorize-url` body. */
export const authorizeUrlBodySchema = z
  .strictObject({
    redirectUri: z
      .string()
      .url('must be an http(s) URL')
      .regex(/^https?:\/\//, 'must be an http(s) URL')
      .max(2048)
      .meta({
        description:
          'Where WeChat sends the merchant after confirming: this API’s `/wechat/component/{componentAppId}/authorized`, on the domain registered at WeChat.',
      }),
    authType: z
      .number()
      .int('must be an integer')
      .min(1, 'must be 1 (Official Accounts), 2 (Mini Programs) or 3 (both)')
      .max(3, 'must be 1 (Official Accounts), 2 (Mini Programs) or 3 (both)')
      .optional(),
  })
  .meta({ id: 'AuthorizeUrlRequest' });

/** The authorization redirect's query. */
export const authorizedQuerySchema = z.object({
  auth_code: z.string().min(1, 'is required').max(512),
  expires_in: z.string().max(16).optional(),
});

/** A component as the operator routes show it. */
export const componentViewSchema = z
  .object({
    componentAppId: z.string(),
    secretSet: z.literal(true),
    createdAt: z.string(),
    updatedAt: z.string(),
    ticketAt: z.string().optional(),
  })
  .meta({ id: 'Component' });

/** The authorization URL answer. */
export const authorizeUrlSchema = z
  .object({ url: z.string(), expiresIn: z.number().int() })
  .meta({ id: 'AuthorizeUrl' });

export { eventQuerySchema as componentPushQuerySchema };
