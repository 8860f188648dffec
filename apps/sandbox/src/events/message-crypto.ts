import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

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

/**
 * Reverses {@link encryptMessage}, as a receiving server would.
 *
 * @throws Error when the padding is wrong
 */
export function decryptMessage(
  encrypt: string,
  encodingAESKey: string,
): { message: string; appid: string } {
  const key = aesKeyFrom(encodingAESKey);
  const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
  decipher.setAutoPadding(false);
  const padded = Buffer.concat([decipher.update(Buffer.from(encrypt, 'base64')), decipher.final()]);
  const pad = padded[padded.length - 1] ?? 0;
  if (pad < 1 || pad > BLOCK) {
    throw new Error('bad PKCS#7 padding');
  }
  const plain = padded.subarray(0, padded.length - pad);
  const length = plain.readUInt32BE(16);
  return {
    message: plain.subarray(20, 20 + length).toString('utf8'),
    appid: plain.subarray(20 + length).toString('utf8'),
  };
}
