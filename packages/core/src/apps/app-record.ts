import { z } from 'zod';
import type { AppEntry, AppKind } from './app-directory';

/** What an operator gives for an app (`PUT /v1/admin/apps/:appId`), secrets in the clear. */
export interface AppInput {
  appSecret: string;
  kind?: AppKind;
  tokenMode?: 'stable' | 'classic';
  ratePerSec?: number;
  eventToken?: string;
  encodingAesKey?: string;
  consentExempt?: boolean;
}

/** One app as the registry hash stores it: settings in the clear, secrets sealed. */
export const storedAppSchema = z.object({
  appId: z.string(),
  kind: z.enum(['official_account', 'mini_program']).optional(),
  shard: z.number().int().nonnegative(),
  enabled: z.boolean(),
  tokenMode: z.enum(['stable', 'classic']).optional(),
  ratePerSec: z.number().int().positive().optional(),
  consentExempt: z.boolean().optional(),
  /** Absent for authorizers, which WeChat gives no AppSecret to the platform for. */
  appSecret: z.string().optional(),
  eventToken: z.string().optional(),
  encodingAesKey: z.string().optional(),
  secretChangedAt: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** `seed`: written from WECHAT_APPS and never by an operator since. */
  origin: z.enum(['seed', 'operator']),
  /** `component`: an Open Platform authorizer, its token from its component (no AppSecret). */
  tokenSource: z.enum(['secret', 'component']).optional(),
  /** The third-party platform (component) an authorizer authorized. */
  componentAppId: z.string().optional(),
  /** The permission sets (`func_info` ids) an authorizer granted, as of its last authorization. */
  funcScopes: z.array(z.number().int()).optional(),
});

/** One app as the registry hash stores it. */
export type StoredApp = z.infer<typeof storedAppSchema>;

/** An app as the operator routes show it: never a secret, only whether one is set. */
export interface AppView extends Omit<AppEntry, 'consentExempt'> {
  consentExempt: boolean;
  secretSet: boolean;
  tokenSource: 'secret' | 'component';
  componentAppId?: string;
  /** An authorizer's granted permission sets (`func_info` ids). */
  funcScopes?: number[];
  secretChangedAt: string;
  eventTokenSet: boolean;
  encodingAesKeySet: boolean;
  createdAt: string;
  updatedAt: string;
}

/** Parses a hash value; undefined when it is not a stored app. */
export function parseStoredApp(json: string | null | undefined): StoredApp | undefined {
  if (!json) {
    return undefined;
  }
  try {
    const parsed = storedAppSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** The directory's entry of a stored app (no secrets). */
export function entryOf(app: StoredApp): AppEntry {
  return {
    appId: app.appId,
    kind: app.kind,
    shard: app.shard,
    enabled: app.enabled,
    tokenMode: app.tokenMode,
    ratePerSec: app.ratePerSec,
    consentExempt: app.consentExempt,
    ...(app.tokenSource === 'component'
      ? { tokenSource: 'component' as const, componentAppId: app.componentAppId }
      : {}),
  };
}

/** What the operator routes answer for a stored app. */
export function viewOf(app: StoredApp): AppView {
  return {
    ...entryOf(app),
    consentExempt: app.consentExempt ?? false,
    tokenSource: app.tokenSource ?? 'secret',
    ...(app.funcScopes ? { funcScopes: app.funcScopes } : {}),
    secretSet: app.appSecret !== undefined,
    secretChangedAt: app.secretChangedAt,
    eventTokenSet: app.eventToken !== undefined,
    encodingAesKeySet: app.encodingAesKey !== undefined,
    createdAt: app.createdAt,
    updatedAt: app.updatedAt,
  };
}

/** The additional-data context each secret is sealed under: its app and field. */
export function secretContext(appId: string, field: SecretField): string {
  return `${appId}:${field}`;
}

/** The fields of a stored app that hold sealed secrets. */
export type SecretField = 'appSecret' | 'eventToken' | 'encodingAesKey';
