import { randomBytes } from 'node:crypto';

/** Random bytes drawn in bulk: one CSPRNG call per 512 ids instead of one per id. */
const POOL_BYTES = 4096;
let pool = Buffer.alloc(0);
let poolOffset = 0;

function randomHex(bytes: number): string {
  if (poolOffset + bytes > pool.length) {
    pool = randomBytes(POOL_BYTES);
    poolOffset = 0;
  }
  const hex = pool.toString('hex', poolOffset, poolOffset + bytes);
  poolOffset += bytes;
  return hex;
}

/**
 * A new message id: `m` + base36 milliseconds (9 chars) + 16 hex chars. Sortable by creation
 * time, never all digits and free of `:` (both forbidden in BullMQ job ids), and short enough
 * to serve as WeChat's `client_msg_id` on every attempt.
 */
export function newMessageId(now: number = Date.now()): string {
  return `m${now.toString(36).padStart(9, '0')}${randomHex(8)}`;
}

/** Whether `id` has the shape {@link newMessageId} produces (cheap guard before a Redis lookup). */
export function isMessageId(id: string): boolean {
  return /^m[0-9a-z]{9}[0-9a-f]{16}$/.test(id);
}
