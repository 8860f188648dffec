import { z } from 'zod';

/**
 * `:appId`: WeChat's own ids are `wx` + 16 hex digits (wechat-facts.md), but the sandbox and
 * tests use other shapes, so any 1-64 of `A-Z a-z 0-9 _ -` (the WECHAT_APPS rule) is accepted.
 */
export const appIdParamsSchema = z.object({
  appId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 of A-Z a-z 0-9 _ - (e.g. wx + 16 hex digits)')
    .meta({ example: 'wx1234567890abcdef' }),
});

/** `PUT /v1/admin/apps/:appId` body. Secrets are write-only: no answer ever returns them. */
export const appPutBodySchema = z
  .strictObject({
    appSecret: z.string().min(1, 'is required').max(128).meta({ example: 'your-app-secret' }),
    kind: z.enum(['official_account', 'mini_program']),
    tokenMode: z
      .enum(['stable', 'classic'])
      .optional()
      .meta({ description: 'Unset: the worker’s WECHAT_TOKEN_MODE.' }),
    ratePerSec: z
      .number()
      .int('must be an integer')
      .min(1, 'must be at least 1')
      .max(100000, 'must be at most 100000')
      .optional()
      .meta({ description: 'Most sends per second; unset: WECHAT_RATE_LIMIT_PER_SEC.' }),
    eventToken: z
      .string()
      .regex(/^[A-Za-z0-9]{3,32}$/, 'must be 3-32 letters or digits')
      .optional()
      .meta({ description: 'The push token of the app’s server configuration.' }),
    encodingAesKey: z
      .string()
      .regex(/^[A-Za-z0-9+/]{43}$/, 'must be 43 base64 characters')
      .optional()
      .meta({ description: 'For safe or compatible mode pushes; needs eventToken.' }),
    consentExempt: z.boolean().optional(),
  })
  .refine((body) => body.encodingAesKey === undefined || body.eventToken !== undefined, {
    path: ['eventToken'],
    message: 'is required with encodingAesKey',
  })
  .meta({
    id: 'AppPut',
    example: { appSecret: 'your-app-secret', kind: 'official_account', ratePerSec: 50 },
  });

/** `PATCH /v1/admin/apps/:appId` body. */
export const appPatchBodySchema = z
  .strictObject({ enabled: z.boolean() })
  .meta({ id: 'AppPatch', example: { enabled: false } });

/** `GET /v1/admin/apps` query. */
export const appListQuerySchema = z.strictObject({
  limit: z.coerce
    .number()
    .int('must be an integer')
    .min(1, 'must be at least 1')
    .max(1000, 'must be at most 1000')
    .default(100),
  cursor: z
    .string()
    .max(200)
    .optional()
    .meta({ description: 'The nextCursor of the previous page.' }),
});

/** An app as the operator routes answer it: never a secret. */
export const appViewSchema = z
  .object({
    appId: z.string(),
    kind: z.enum(['official_account', 'mini_program']).optional(),
    shard: z.number().int(),
    enabled: z.boolean(),
    tokenMode: z.enum(['stable', 'classic']).optional(),
    ratePerSec: z.number().int().optional(),
    consentExempt: z.boolean(),
    secretSet: z.boolean(),
    tokenSource: z.enum(['secret', 'component']),
    componentAppId: z.string().optional(),
    secretChangedAt: z.string(),
    eventTokenSet: z.boolean(),
    encodingAesKeySet: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({
    id: 'App',
    example: {
      appId: 'wx1234567890abcdef',
      kind: 'official_account',
      shard: 0,
      enabled: true,
      ratePerSec: 50,
      consentExempt: false,
      tokenSource: 'secret',
      secretSet: true,
      secretChangedAt: '2026-12-04T08:00:00.000Z',
      eventTokenSet: false,
      encodingAesKeySet: false,
      createdAt: '2026-12-04T08:00:00.000Z',
      updatedAt: '2026-12-04T08:00:00.000Z',
    },
  });

/** `GET /v1/admin/apps` answer. */
export const appPageSchema = z
  .object({ items: z.array(appViewSchema), nextCursor: z.string().nullable() })
  .meta({ id: 'AppPage' });

/** `GET /v1/admin/apps/:appId/pause` answer: the app's quota or token-configuration pause. */
export const appPauseSchema = z
  .object({
    appId: z.string(),
    paused: z.boolean(),
    reason: z.enum(['rate_minute', 'rate_daily', 'config']).optional().meta({
      description:
        'What paused it: `rate_minute` (45011), `rate_daily` (45009), `config` (the token endpoint refused the secret or the IP).',
    }),
    remainingMs: z.number().int().optional().meta({ description: 'How long the pause has left.' }),
  })
  .meta({
    id: 'AppPause',
    example: {
      appId: 'wx1234567890abcdef',
      paused: true,
      reason: 'rate_daily',
      remainingMs: 3600000,
    },
  });

/** `DELETE /v1/admin/apps/:appId/pause` answer: the pause it ended, if there was one. */
export const appPauseLiftSchema = appPauseSchema
  .extend({
    lifted: z.boolean().meta({ description: 'Whether a pause was in force and is now ended.' }),
    reason: appPauseSchema.shape.reason.meta({ description: 'What had paused it.' }),
    remainingMs: appPauseSchema.shape.remainingMs.meta({
      description: 'How long the ended pause had left.',
    }),
  })
  .meta({
    id: 'AppPauseLift',
    example: {
      appId: 'wx1234567890abcdef',
      paused: false,
      lifted: true,
      reason: 'rate_daily',
      remainingMs: 3600000,
    },
  });
