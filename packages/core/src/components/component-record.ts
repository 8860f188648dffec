import { z } from 'zod';

/** What an operator (or `WECHAT_COMPONENTS`) gives for a component, secrets in the clear. */
export interface ComponentInput {
  componentSecret: string;
  /** The message-check token (消息校验Token) of the platform. */
  token: string;
  /** The 43-character message encryption key (消息加解密Key). */
  encodingAesKey: string;
}

/** A component's credentials in the clear (process memory only). */
export interface ComponentCredentials extends ComponentInput {
  componentAppId: string;
}

/** One component as the hash stores it: secrets sealed. */
export const storedComponentSchema = z.object({
  componentAppId: z.string(),
  componentSecret: z.string(),
  token: z.string(),
  encodingAesKey: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

/** One stored component. */
export type StoredComponent = z.infer<typeof storedComponentSchema>;

/** A component as the operator routes show it: never a secret. */
export interface ComponentView {
  componentAppId: string;
  secretSet: true;
  createdAt: string;
  updatedAt: string;
  /** When the newest `component_verify_ticket` was pushed; absent = none yet. */
  ticketAt?: string;
}

/** The fields of a component sealed at rest. */
export type ComponentSecretField = 'componentSecret' | 'token' | 'encodingAesKey';

/** The additional-data context each sealed value is bound to. */
export function componentContext(componentAppId: string, field: ComponentSecretField): string {
  return `component:${componentAppId}:${field}`;
}

/** The context an authorizer's sealed refresh token is bound to. */
export function refreshTokenContext(componentAppId: string, authorizerAppId: string): string {
  return `component:${componentAppId}:authorizer:${authorizerAppId}:refreshToken`;
}

/** Parses a hash value; undefined when it is not a stored component. */
export function parseStoredComponent(json: string | null | undefined): StoredComponent | undefined {
  if (!json) {
    return undefined;
  }
  try {
    const parsed = storedComponentSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
