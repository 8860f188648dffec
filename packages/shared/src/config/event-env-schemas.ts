import { z } from 'zod';
import { parseAllowlistEntry } from '../net/callback-allowlist';

/** The event-push settings of one app (the admin console's "server configuration"). */
export interface EventTokenEntry {
  appId: string;
  token: string;
  /** 43 base64 characters; present when the app pushes in compatible or safe mode. */
  encodingAESKey?: string;
}

/** One caller's secret for signing callbacks. */
export interface CallbackSecretEntry {
  caller: string;
  secret: string;
}

function entries(raw: string): string[] {
  return raw
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
}

/**
 * `WECHAT_EVENT_TOKENS`: `appId:token[:encodingAESKey]`, comma-separated. Apps without an
 * entry answer 404 on the event URL. @defaultValue none
 */
export const eventTokensEnv = z
  .string()
  .default('')
  .transform((raw, ctx): EventTokenEntry[] => {
    const out: EventTokenEntry[] = [];
    for (const part of entries(raw)) {
      const [appId = '', token = '', encodingAESKey, ...rest] = part.split(':');
      const keyOk = encodingAESKey === undefined || /^[A-Za-z0-9+/]{43}$/.test(encodingAESKey);
      if (!/^[A-Za-z0-9_-]{1,64}$/.test(appId) || !/^[A-Za-z0-9]{3,32}$/.test(token) || !keyOk) {
        ctx.addIssue({
          code: 'custom',
          message:
            'each entry must be appId:token[:encodingAESKey] (token 3-32 letters/digits, key 43 base64 chars)',
        });
        return z.NEVER;
      }
      if (rest.length > 0 || out.some((e) => e.appId === appId)) {
        ctx.addIssue({ code: 'custom', message: `bad or repeated entry for ${appId}` });
        return z.NEVER;
      }
      out.push({ appId, token, encodingAESKey });
    }
    return out;
  });

/** `CALLBACK_SECRETS`: `callerName:secret` pairs (secret ≥ 16 chars). @defaultValue none */
export const callbackSecretsEnv = z
  .string()
  .default('')
  .transform((raw, ctx): CallbackSecretEntry[] => {
    const out: CallbackSecretEntry[] = [];
    for (const part of entries(raw)) {
      const at = part.indexOf(':');
      const caller = at < 0 ? part : part.slice(0, at);
      const secret = at < 0 ? '' : part.slice(at + 1);
      if (!/^[A-Za-z0-9_.-]{1,64}$/.test(caller) || secret.length < 16) {
        ctx.addIssue({
          code: 'custom',
          message: 'each entry must be callerName:secret with a secret of at least 16 characters',
        });
        return z.NEVER;
      }
      out.push({ caller, secret });
    }
    return out;
  });

/**
 * `CALLBACK_ALLOWLIST`: entries `[caller@]target[:port]` a callback may reach despite the SSRF
 * rules (e.g. an internal receiver); target is a host, IP or CIDR (IPv6 in brackets when a port
 * follows). Host parts are lower-cased, caller names kept. @defaultValue none
 */
export const callbackAllowlistEnv = z
  .string()
  .default('')
  .transform((raw, ctx): string[] => {
    const out = entries(raw).map((e) => {
      const at = e.indexOf('@');
      return at < 0 ? e.toLowerCase() : `${e.slice(0, at)}@${e.slice(at + 1).toLowerCase()}`;
    });
    for (const entry of out) {
      if (!parseAllowlistEntry(entry)) {
        ctx.addIssue({
          code: 'custom',
          message: `${entry} is not [caller@]host|IP|CIDR[:port]`,
        });
        return z.NEVER;
      }
    }
    return out;
  });

/**
 * `CALLBACK_PROTECTED_PORTS`: ports a `CALLBACK_ALLOWLIST` entry opens only by naming them, on
 * top of the process's own port. @defaultValue `3000,9100` (the API's and the worker's ops port)
 */
export const callbackProtectedPortsEnv = z
  .string()
  .default('3000,9100')
  .transform((raw, ctx): number[] => {
    const out = entries(raw).map(Number);
    if (out.some((n) => !Number.isInteger(n) || n < 1 || n > 65535)) {
      ctx.addIssue({ code: 'custom', message: 'must be ports (1-65535), comma-separated' });
      return z.NEVER;
    }
    return out;
  });
