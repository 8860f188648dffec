import { z } from 'zod';
import { checkDataValue, isTypedKey } from './value-rules';
import { dataSchemaDocs, MESSAGE_EXAMPLES, metadataDocs } from './message-docs';

/** The message kinds the service sends. */
export const MESSAGE_TYPES = ['template', 'subscribe', 'bizsend'] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];

const MAX_DATA_KEYS = 50;
const MAX_VALUE_LENGTH = 1000;
const MAX_METADATA_BYTES = 4096;

/** WeChat's openid shape (wechat-facts §2; real ones are 28 characters): 40003 otherwise. */
const openId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{6,64}$/, 'must be an openid (6 to 64 letters, digits, _ and -)');
const templateId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,128}$/, 'must be a template id (letters, digits, _ and -)');
const appIdField = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be an appId');
const httpUrl = z
  .string()
  .max(1024)
  .regex(/^https?:\/\/[^\s]+$/, 'must be an http(s) URL');
const pagePath = z
  .string()
  .min(1)
  .max(1024)
  .regex(/^[^\s]+$/, 'must not contain spaces');

const dataValue = z.union([
  z.string().max(MAX_VALUE_LENGTH),
  z.strictObject({ value: z.string().max(MAX_VALUE_LENGTH) }),
]);

const dataSchema = z
  .record(z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, 'must be a template key'), dataValue)
  .refine((data) => Object.keys(data).length > 0, 'must have at least one key')
  .refine(
    (data) => Object.keys(data).length <= MAX_DATA_KEYS,
    `must have at most ${MAX_DATA_KEYS} keys`,
  )
  .superRefine((data, ctx) => {
    for (const [key, raw] of Object.entries(data)) {
      const isBare = typeof raw === 'string';
      const problem = checkDataValue(key, isBare ? raw : raw.value);
      if (problem) {
        ctx.addIssue({ code: 'custom', message: problem, path: isBare ? [key] : [key, 'value'] });
      }
    }
  })
  .meta(dataSchemaDocs({ typedOnly: false, maxKeys: MAX_DATA_KEYS, maxLength: MAX_VALUE_LENGTH }));

/**
 * Subscribe and bizsend data: only typed keys (`thing1`, `time2`, …). WeChat answers 47003 for a
 * key without a type prefix (`keyword1`, `first`), which only historical templates have.
 */
const typedDataSchema = dataSchema
  .superRefine((data, ctx) => {
    for (const key of Object.keys(data)) {
      if (!isTypedKey(key)) {
        ctx.addIssue({
          code: 'custom',
          message:
            'must be a typed key such as thing1 or time2 (subscribe and bizsend keys carry a type prefix)',
          path: [key],
        });
      }
    }
  })
  .meta(dataSchemaDocs({ typedOnly: true, maxKeys: MAX_DATA_KEYS, maxLength: MAX_VALUE_LENGTH }));

/** The longest `ttlSeconds`: a year. */
const MAX_TTL_SECONDS = 365 * 24 * 3600;

const metadataSchema = z
  .record(z.string().max(64), z.union([z.string().max(1024), z.number(), z.boolean()]))
  .refine(
    (m) => Buffer.byteLength(JSON.stringify(m)) <= MAX_METADATA_BYTES,
    `must be at most ${MAX_METADATA_BYTES} bytes as JSON`,
  )
  .meta(metadataDocs(MAX_METADATA_BYTES));

const miniprogramSchema = z.strictObject({ appId: appIdField, pagePath: pagePath.optional() });

const common = {
  appId: appIdField.optional(),
  toUser: openId,
  templateId,
  data: dataSchema,
  sendAt: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' }).optional().meta({
    description:
      'Not sent before this instant (a past one: at once). At most SEND_AT_MAX_DAYS (default 30) days ahead, else 400 naming sendAt — a bound relative to now, which JSON Schema cannot state.',
  }),
  expiresAt: z.iso
    .datetime({ offset: true, error: 'must be an ISO 8601 date-time' })
    .optional()
    .meta({
      description:
        'Never sent after this instant; the message ends `expired` instead. Must be in the future and after sendAt; not together with ttlSeconds (400 naming the field).',
    }),
  ttlSeconds: z.number().int().min(1).max(MAX_TTL_SECONDS).optional().meta({
    description:
      'Instead of expiresAt: expires this many seconds after acceptance (and after sendAt). Not together with expiresAt (400 naming ttlSeconds).',
  }),
  metadata: metadataSchema.optional(),
  callbackUrl: httpUrl.optional().meta({
    description: 'Signed POST of the record on sent, delivered, undelivered, dead and expired.',
  }),
};

/** Subscribe and bizsend only: send without a recorded consent grant (long-term templates). */
const skipConsentCheck = z.boolean().optional();

/** `POST /v1/messages` body for an Official Account template message. */
const templateMessageSchema = z
  .strictObject({
    type: z.literal('template'),
    ...common,
    url: httpUrl.optional(),
    miniprogram: miniprogramSchema.optional(),
  })
  .meta({ id: 'TemplateMessage', examples: [MESSAGE_EXAMPLES.template] });

/** `POST /v1/messages` body for a Mini Program subscribe message. */
const subscribeMessageSchema = z
  .strictObject({
    type: z.literal('subscribe'),
    ...common,
    data: typedDataSchema,
    page: pagePath.optional(),
    miniprogramState: z.enum(['developer', 'trial', 'formal']).optional(),
    lang: z.enum(['zh_CN', 'en_US', 'zh_HK', 'zh_TW']).optional(),
    skipConsentCheck,
  })
  .meta({ id: 'SubscribeMessage', examples: [MESSAGE_EXAMPLES.subscribe] });

/** `POST /v1/messages` body for an Official Account subscription notification (bizsend). */
const bizsendMessageSchema = z
  .strictObject({
    type: z.literal('bizsend'),
    ...common,
    data: typedDataSchema,
    page: httpUrl.optional(),
    miniprogram: miniprogramSchema.optional(),
    skipConsentCheck,
  })
  .meta({ id: 'BizsendMessage', examples: [MESSAGE_EXAMPLES.bizsend] });

/** Any message body, told apart by `type`. */
export const messageSchema = z.discriminatedUnion('type', [
  templateMessageSchema,
  subscribeMessageSchema,
  bizsendMessageSchema,
]);

export type MessageBody = z.infer<typeof messageSchema>;

/** Template data with every value in WeChat's `{ value }` shape. */
export type MessageData = Record<string, { value: string }>;

/**
 * A validated message with its app resolved and its data normalised: what the record stores and
 * the worker turns into a WeChat request.
 */
export interface Message {
  type: MessageType;
  appId: string;
  toUser: string;
  templateId: string;
  data: MessageData;
  url?: string;
  miniprogram?: { appId: string; pagePath?: string };
  page?: string;
  miniprogramState?: 'developer' | 'trial' | 'formal';
  lang?: 'zh_CN' | 'en_US' | 'zh_HK' | 'zh_TW';
  sendAt?: string;
  /** Not sent after this instant: the message ends `expired` (the API resolves `ttlSeconds`). */
  expiresAt?: string;
  /** As asked; the API turns it into `expiresAt` and drops it. */
  ttlSeconds?: number;
  metadata?: Record<string, string | number | boolean>;
  /** Where the final status is POSTed, signed with the caller's secret. */
  callbackUrl?: string;
  /** The caller asked to send without a consent grant. */
  skipConsentCheck?: boolean;
  /** Set by the API when a consent grant was reserved for this message at enqueue. */
  consentHeld?: boolean;
}

/** Turns bare-string data values into `{ value }` and fixes the app id. */
export function normalizeMessage(body: MessageBody, appId: string): Message {
  const data: MessageData = {};
  for (const [key, raw] of Object.entries(body.data)) {
    data[key] = { value: typeof raw === 'string' ? raw : raw.value };
  }
  return { ...body, appId, data };
}
