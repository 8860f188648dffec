import { aesKeyFrom } from './message-crypto';

/** Where and how one app's events are pushed (the "server configuration" of the admin console). */
export interface EventTarget {
  /** The developer server's URL; events are POSTed to it. */
  url: string;
  /** The Token used in the signature. */
  token: string;
  /** 43-character EncodingAESKey; required by `compat` and `safe` modes. */
  encodingAESKey?: string;
  /** `plain`, `compat` (plaintext + Encrypt) or `safe`. @defaultValue 'safe' with a key, else 'plain' */
  mode?: 'plain' | 'compat' | 'safe';
  /** Body format: OA pushes XML only; mini programs may choose JSON. @defaultValue 'xml' */
  format?: 'xml' | 'json';
  /** `ToUserName` of every event. @defaultValue `gh_` + 12 hex digits derived from the appid */
  originalId?: string;
  /**
   * The appid at the end of the encrypted plaintext. @defaultValue the app's own; an Open
   * Platform authorizer's pushes carry the component's appid (the platform decrypts them).
   */
  encryptAppId?: string;
}

/**
 * Checks a target given through the control API or `SANDBOX_EVENTS`.
 *
 * @returns a problem description, or undefined when the target is usable
 */
export function eventTargetProblem(target: unknown): string | undefined {
  if (typeof target !== 'object' || target === null) {
    return 'expected an object { url, token, encodingAESKey?, mode?, format?, originalId? }';
  }
  const t = target as Record<string, unknown>;
  if (typeof t.url !== 'string' || !/^https?:\/\//.test(t.url)) {
    return 'url must be an http(s) URL';
  }
  if (typeof t.token !== 'string' || !/^[A-Za-z0-9]{3,32}$/.test(t.token)) {
    return 'token must be 3-32 letters or digits, as WeChat requires';
  }
  if (t.mode !== undefined && t.mode !== 'plain' && t.mode !== 'compat' && t.mode !== 'safe') {
    return 'mode must be plain, compat or safe';
  }
  if (t.format !== undefined && t.format !== 'xml' && t.format !== 'json') {
    return 'format must be xml or json';
  }
  if (t.originalId !== undefined && typeof t.originalId !== 'string') {
    return 'originalId must be a string';
  }
  if (t.encodingAESKey !== undefined) {
    try {
      if (typeof t.encodingAESKey !== 'string') {
        throw new TypeError('not a string');
      }
      aesKeyFrom(t.encodingAESKey);
    } catch {
      return 'encodingAESKey must be 43 base64 characters';
    }
  } else if (t.mode === 'compat' || t.mode === 'safe') {
    return `mode ${t.mode} needs an encodingAESKey`;
  }
  return undefined;
}
