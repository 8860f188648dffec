import { randomBytes } from 'node:crypto';

/** The Redis the tests use. */
export const TEST_REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A QUEUE_PREFIX no other test uses, so parallel tests never see each other's keys. */
export function uniquePrefix(label = 't'): string {
  return `${label}-${randomBytes(6).toString('hex')}`.slice(0, 32);
}
