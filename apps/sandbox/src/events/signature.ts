import { createHash } from 'node:crypto';

/**
 * WeChat's push signature: SHA-1 (hex) of the parts sorted lexicographically and concatenated.
 * With `[token, timestamp, nonce]` it is the `signature` query parameter; with the `Encrypt`
 * value added it is `msg_signature` (safe mode).
 */
export function wechatSignature(...parts: string[]): string {
  return createHash('sha1')
    .update([...parts].sort().join(''))
    .digest('hex');
}
