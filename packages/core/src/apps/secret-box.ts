import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/** Length of an AES-256 key, in bytes. */
export const SECRET_KEY_BYTES = 32;

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const FORMAT = 'v1';

/** A sealed value could not be opened: wrong key, unknown key id, tampered or malformed. */
export class SecretBoxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** The id a ciphertext carries for its key: the first 8 hex digits of SHA-256 of the key. */
export function secretKeyId(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

/**
 * Encrypts app secrets at rest with AES-256-GCM (node:crypto). A sealed value is
 * `v1:<keyId>:<base64(iv ‖ tag ‖ ciphertext)>`; the key id lets a value sealed with the
 * previous key (`APP_SECRETS_KEY_PREVIOUS`) still be opened after a rotation, while every new
 * seal uses the current key. `context` (e.g. `<appId>:appSecret`) is authenticated as
 * additional data, so a ciphertext copied to another app or field does not open.
 */
export class SecretBox {
  /** The current key's id: what {@link seal} writes. */
  readonly keyId: string;
  private readonly keys = new Map<string, Buffer>();

  /** @throws SecretBoxError when a key is not {@link SECRET_KEY_BYTES} bytes */
  constructor(
    private readonly current: Buffer,
    previous?: Buffer,
  ) {
    for (const key of [current, previous]) {
      if (key !== undefined && key.length !== SECRET_KEY_BYTES) {
        throw new SecretBoxError(`a secrets key must be ${SECRET_KEY_BYTES} bytes`);
      }
    }
    this.keyId = secretKeyId(current);
    if (previous !== undefined) {
      this.keys.set(secretKeyId(previous), previous);
    }
    this.keys.set(this.keyId, current);
  }

  /** Encrypts `plaintext` with the current key and a fresh random IV. */
  seal(plaintext: string, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.current, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const packed = Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
    return `${FORMAT}:${this.keyId}:${packed}`;
  }

  /**
   * Decrypts a value sealed by {@link seal} with the current or the previous key.
   * @throws SecretBoxError for an unknown key id, a wrong context, a tampered or malformed value
   */
  open(sealed: string, context: string): string {
    const [format, keyId, packed, ...rest] = sealed.split(':');
    if (format !== FORMAT || keyId === undefined || packed === undefined || rest.length > 0) {
      throw new SecretBoxError('not a sealed secret');
    }
    const key = this.keys.get(keyId);
    if (key === undefined) {
      throw new SecretBoxError(`sealed with an unknown key (id ${keyId})`);
    }
    const raw = Buffer.from(packed, 'base64');
    if (raw.length < IV_BYTES + TAG_BYTES) {
      throw new SecretBoxError('not a sealed secret');
    }
    const decipher = createDecipheriv(ALGORITHM, key, raw.subarray(0, IV_BYTES), {
      authTagLength: TAG_BYTES,
    });
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    try {
      const body = raw.subarray(IV_BYTES + TAG_BYTES);
      return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretBoxError('sealed secret failed authentication (tampered or wrong key)');
    }
  }

  /** Whether `sealed` was sealed with the current key. */
  isCurrent(sealed: string): boolean {
    return sealed.split(':')[1] === this.keyId;
  }
}
