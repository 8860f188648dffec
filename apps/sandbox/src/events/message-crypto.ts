import { createCipheriv, randomBytes } from 'node:crypto';

const BLOCK = 32;

/** Decodes an EncodingAESKey (43 base64 characters) into the 32-byte AES key. */
export function aesKeyFrom(encodingAESKey: string): Buffer {
  const key = Buffer.from(`${encodingAESKey}=`, 'base64');
  if (encodingAESKey.length !== 43 || key.length !== 32) {
    throw new Error('EncodingAESKey must be 43 base64 characters');
  }
  return key;
}

/**
 * Encrypts a push body as WeChat's safe mode does: AES-256-CBC, IV = first 16 key bytes,
 * plaintext = 16 random bytes + 4-byte big-endian length + message + appid, PKCS#7 padded to
 * 32-byte blocks.
 *
 * @returns the base64 `Encrypt` value
 */
export function encryptMessage(message: string, encodingAESKey: string, appid: string): string {
  const key = aesKeyFrom(encodingAESKey);
  const msg = Buffer.from(message, 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(msg.length, 0);
  const plain = Buffer.concat([randomBytes(16), length, msg, Buffer.from(appid, 'utf8')]);
  const pad = BLOCK - (plain.length % BLOCK);
  const padded = Buffer.concat([plain, Buffer.alloc(pad, pad)]);
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(padded), cipher.final()]).toString('base64');
}
