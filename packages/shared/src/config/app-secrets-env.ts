import { z } from 'zod';

const KEY_BYTES = 32;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * `APP_SECRETS_KEY` / `APP_SECRETS_KEY_PREVIOUS`: 32 random bytes in base64 (e.g.
 * `openssl rand -base64 32`), the AES-256-GCM key of the app registry's secrets. Unset or
 * empty = undefined. @defaultValue none
 */
export const secretsKeyEnv = z
  .string()
  .optional()
  .transform((raw, ctx): Buffer | undefined => {
    const value = raw?.trim() ?? '';
    if (value.length === 0) {
      return undefined;
    }
    const key = BASE64.test(value) ? Buffer.from(value, 'base64') : undefined;
    if (key?.length !== KEY_BYTES) {
      ctx.addIssue({
        code: 'custom',
        message: `must be ${KEY_BYTES} bytes in base64 (openssl rand -base64 32)`,
      });
      return z.NEVER;
    }
    return key;
  });

/** The registry's keys, as both processes read them. */
export interface AppSecretsKeys {
  current: Buffer;
  previous?: Buffer;
}
