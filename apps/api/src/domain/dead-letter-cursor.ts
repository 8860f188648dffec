import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { ValidationError, type ApiKeyEntry } from '@wechat-dispatch/shared';

const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/**
 * The key dead-letter cursors are sealed with: derived from the configured API keys, so every
 * replica of one configuration shares it and nobody without a key can make one. Rotating the
 * keys invalidates outstanding cursors (a listing then starts again).
 */
export function cursorKeyFrom(apiKeys: readonly ApiKeyEntry[]): Buffer {
  const hash = createHash('sha256').update('wechat-dispatch dead-letter cursor v1');
  for (const key of [...apiKeys.map((entry) => entry.key)].sort()) {
    hash.update('\0').update(key);
  }
  return hash.digest();
}

/** Who a cursor belongs to: the listing it continues. */
export interface CursorOwner {
  caller: string;
  appId?: string;
}

const bindingOf = (owner: CursorOwner) => Buffer.from(`${owner.caller}\n${owner.appId ?? ''}`);

/**
 * Opaque, caller-bound dead-letter cursors: the store's position sealed with AES-256-GCM, the
 * caller and the listed app as associated data. The position cannot be read, and a cursor of
 * another caller or another listing does not open (400).
 */
export class DeadLetterCursors {
  constructor(private readonly key: Buffer) {}

  /** Seals a store position for `owner`. */
  seal(position: string, owner: CursorOwner): string {
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce);
    cipher.setAAD(bindingOf(owner));
    const sealed = Buffer.concat([cipher.update(position, 'utf8'), cipher.final()]);
    return Buffer.concat([nonce, cipher.getAuthTag(), sealed]).toString('base64url');
  }

  /**
   * The store position of a cursor sealed for `owner`.
   * @throws ValidationError naming `cursor` when it was not (tampered, foreign, or garbage)
   */
  open(cursor: string, owner: CursorOwner): string {
    const raw = Buffer.from(cursor, 'base64url');
    try {
      if (raw.length <= NONCE_BYTES + TAG_BYTES) {
        throw new Error('short');
      }
      const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, NONCE_BYTES));
      decipher.setAAD(bindingOf(owner));
      decipher.setAuthTag(raw.subarray(NONCE_BYTES, NONCE_BYTES + TAG_BYTES));
      const position = decipher.update(raw.subarray(NONCE_BYTES + TAG_BYTES));
      return Buffer.concat([position, decipher.final()]).toString('utf8');
    } catch {
      throw new ValidationError('The cursor is not valid for this listing', [
        { path: 'cursor', message: 'is not a nextCursor this caller was given for this listing' },
      ]);
    }
  }
}
