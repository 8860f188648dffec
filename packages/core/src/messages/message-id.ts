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
 * A new message id. Shard 0: `m` + base36 milliseconds (9 chars) + 16 hex chars (the only form
 * before `SEND_SHARDS`). Shard k ≥ 1: `n` + k in base36 (2 chars) + the milliseconds + 14 hex
 * chars, the same length. Sortable by creation time within a shard, never all digits and free
 * of `:` (both forbidden in BullMQ job ids), short enough to serve as WeChat's `client_msg_id`
 * on every attempt, and naming its shard so a read by id needs no lookup.
 */
export function newMessageId(now: number = Date.now(), shard = 0): string {
  const time = now.toString(36).padStart(9, '0');
  if (shard === 0) {
    return `m${time}${randomHex(8)}`;
  }
  return `n${shard.toString(36).padStart(2, '0')}${time}${randomHex(7)}`;
}

/** Whether `id` has the shape {@link newMessageId} produces (cheap guard before a Redis lookup). */
export function isMessageId(id: string): boolean {
  return /^(?:m[0-9a-z]{9}[0-9a-f]{16}|n[0-9a-z]{2}[0-9a-z]{9}[0-9a-f]{14})$/.test(id);
}

/** The shard a message id names (0 for `m…` ids); undefined when `id` is not a message id. */
export function shardOfMessageId(id: string): number | undefined {
  if (!isMessageId(id)) {
    return undefined;
  }
  return id.startsWith('m') ? 0 : parseInt(id.slice(1, 3), 36);
}
