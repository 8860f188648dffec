import { randomBytes } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { SecretBox, SecretBoxError, secretKeyId } from '../src/apps/secret-box';

const CONTEXT = 'wxabc:appSecret';

describe('SecretBox', () => {
  describe('seal and open', () => {
    it('when a value is sealed, then it opens to the same value and carries the key id, not the plaintext', () => {
      const key = randomBytes(32);
      const box = new SecretBox(key);

      const sealed = box.seal('the-app-secret-value', CONTEXT);

      expect(sealed.startsWith(`v1:${secretKeyId(key)}:`)).toBe(true);
      expect(sealed).not.toContain('the-app-secret-value');
      expect(box.open(sealed, CONTEXT)).toBe('the-app-secret-value');
    });

    it('when the same value is sealed twice, then the ciphertexts differ (fresh IV)', () => {
      const box = new SecretBox(randomBytes(32));

      expect(box.seal('same', CONTEXT)).not.toBe(box.seal('same', CONTEXT));
    });

    it('when one character of the ciphertext is changed, then opening fails as tampered', () => {
      const box = new SecretBox(randomBytes(32));
      const sealed = box.seal('the-app-secret-value', CONTEXT);
      const packed = Buffer.from(sealed.split(':')[2]!, 'base64');
      packed.writeUInt8(packed.readUInt8(packed.length - 1) ^ 0x01, packed.length - 1);
      const tampered = `${sealed.split(':').slice(0, 2).join(':')}:${packed.toString('base64')}`;

      expect(() => box.open(tampered, CONTEXT)).toThrow(/failed authentication/);
    });

    it('when a ciphertext is opened for another app or field, then it fails', () => {
      const box = new SecretBox(randomBytes(32));
      const sealed = box.seal('the-app-secret-value', CONTEXT);

      expect(() => box.open(sealed, 'wxother:appSecret')).toThrow(SecretBoxError);
    });

    it('when another key opens it, then it fails naming an unknown key id', () => {
      const sealed = new SecretBox(randomBytes(32)).seal('x-secret', CONTEXT);

      expect(() => new SecretBox(randomBytes(32)).open(sealed, CONTEXT)).toThrow(/unknown key/);
    });

    it('when a value is not sealed at all, then it fails without echoing it', () => {
      const box = new SecretBox(randomBytes(32));

      expect(() => box.open('plain-secret', CONTEXT)).toThrow('not a sealed secret');
    });

    it('when a key is not 32 bytes, then the box refuses it', () => {
      expect(() => new SecretBox(randomBytes(16))).toThrow(/32 bytes/);
    });
  });

  describe('rotation', () => {
    it('when the key is rotated, then old values open with the previous key and new seals use the new one', () => {
      const oldKey = randomBytes(32);
      const newKey = randomBytes(32);
      const sealedBefore = new SecretBox(oldKey).seal('rotating-secret', CONTEXT);
      const rotated = new SecretBox(newKey, oldKey);

      const opened = rotated.open(sealedBefore, CONTEXT);
      const resealed = rotated.seal(opened, CONTEXT);

      expect(opened).toBe('rotating-secret');
      expect(rotated.isCurrent(sealedBefore)).toBe(false);
      expect(rotated.isCurrent(resealed)).toBe(true);
      expect(() => new SecretBox(oldKey).open(resealed, CONTEXT)).toThrow(/unknown key/);
    });
  });
});
