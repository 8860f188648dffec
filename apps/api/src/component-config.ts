import { z } from 'zod';

/** One `WECHAT_COMPONENTS` entry. */
export interface ComponentEntry {
  componentAppId: string;
  componentSecret: string;
  token: string;
  encodingAesKey: string;
}

const APP_ID = /^[A-Za-z0-9_-]{1,64}$/;
const TOKEN = /^[A-Za-z0-9]{3,32}$/;
const AES_KEY = /^[A-Za-z0-9+/]{43}$/;

/**
 * `WECHAT_COMPONENTS=componentAppId:componentSecret:token:encodingAesKey[,…]`: the Open
 * Platform components (third-party platforms), seeded into Redis (sealed) at start. An entry is
 * refused naming its position, never echoing the secret.
 */
export const componentsEnv = z
  .string()
  .default('')
  .transform((raw, ctx): ComponentEntry[] => {
    const entries: ComponentEntry[] = [];
    raw
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part.length > 0)
      .forEach((part, i) => {
        const [
          componentAppId = '',
          componentSecret = '',
          token = '',
          encodingAesKey = '',
          ...rest
        ] = part.split(':');
        const problem = !APP_ID.test(componentAppId)
          ? 'componentAppId must be 1-64 of A-Z a-z 0-9 _ -'
          : componentSecret.length === 0
            ? 'componentSecret is empty'
            : !TOKEN.test(token)
              ? 'token must be 3-32 letters or digits'
              : !AES_KEY.test(encodingAesKey) || rest.length > 0
                ? 'encodingAesKey must be 43 base64 characters'
                : undefined;
        if (problem) {
          ctx.addIssue({ code: 'custom', message: `entry ${i + 1}: ${problem}` });
          return;
        }
        entries.push({ componentAppId, componentSecret, token, encodingAesKey });
      });
    return entries;
  });
