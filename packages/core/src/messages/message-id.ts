import { randomBytes } from 'node:crypto';

/**
 * A new message id: `m` + base36 milliseconds (9 chars) + 16 hex chars. Sortable by creation
 * time, never all digits and free of `:` (both forbidden in BullMQ job ids), and short enough
 * to serve as WeChat's `client_msg_id` on every attempt.
 */
export function newMessageId(now: number = Date.now()): string {
  return `m${now.toString(36).padStart(9, '0')}${randomBytes(8).toString('hex')}`;
}

/** Whether `id` has the shape {@link newMessageId} produces (cheap guard before a Redis lookup). */
export function isMessageId(id: string): boolean {
  return /^m[0-9a-z]{9}[0-9a-f]{16}$/.test(id);
}
