import { createDecipheriv, createHash, timingSafeEqual } from 'node:crypto';

/** `sha1(sort([token, timestamp, nonce, encrypt?]).join(''))`, WeChat's push signature. */
export function pushSignature(token: string, ...parts: string[]): string {
  return createHash('sha1')
    .update([token, ...parts].sort().join(''))
    .digest('hex');
}

/** Constant-time comparison of two hex signatures. */
export function sameSignature(expected: string, given: string | undefined): boolean {
  if (given === undefined || given.length !== expected.length) {
    return false;
  }
  return timingSafeEqual(Buffer.from(expected), Buffer.from(given));
}

/**
 * Decrypts a safe-mode `Encrypt` value (wechat-facts §7.1): AES-256-CBC, key =
 * base64(EncodingAESKey + "="), IV = the key's first 16 bytes, plaintext = 16 random bytes +
 * 4-byte big-endian length + message + appid, PKCS#7 padding to 32 bytes.
 * @returns the message and the appid it was encrypted for
 * @throws Error when the ciphertext, padding or length is malformed
 */
export function decryptPush(
  encrypt: string,
  encodingAESKey: string,
): { message: string; appId: string } {
  const key = Buffer.from(`${encodingAESKey}=`, 'base64');
  const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
  decipher.setAutoPadding(false);
  const padded = Buffer.concat([decipher.update(Buffer.from(encrypt, 'base64')), decipher.final()]);
  const pad = padded[padded.length - 1] ?? 0;
  if (pad < 1 || pad > 32 || padded.length < 20 + pad) {
    throw new Error('bad PKCS#7 padding');
  }
  const plain = padded.subarray(0, padded.length - pad);
  const length = plain.readUInt32BE(16);
  if (20 + length > plain.length) {
    throw new Error('bad message length');
  }
  return {
    message: plain.subarray(20, 20 + length).toString('utf8'),
    appId: plain.subarray(20 + length).toString('utf8'),
  };
}
