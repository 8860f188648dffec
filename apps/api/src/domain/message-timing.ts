import type { Message } from '@wechat-dispatch/core';
import { ValidationError, type ErrorDetail } from '@wechat-dispatch/shared';

/** How far ahead a message may be scheduled (`SEND_AT_MAX_DAYS`). */
export const DEFAULT_SEND_AT_MAX_DAYS = 30;

const DAY_MS = 24 * 3600 * 1000;

/**
 * A message's times checked against `now` and resolved: `sendAt` no further ahead than
 * `sendAtMaxDays`; `expiresAt` or `ttlSeconds` (not both) in the future and after `sendAt`;
 * `ttlSeconds` becomes the `expiresAt` it means, so the record and the worker read one instant.
 * @param path the message's path in the request (`''` or `messages[i].`)
 * @throws ValidationError naming the field
 */
export function resolveTiming(
  message: Message,
  now: Date,
  sendAtMaxDays: number,
  path = '',
): Message {
  const refuse = (field: string, why: string): never => {
    const detail: ErrorDetail = { path: `${path}${field}`, message: why };
    throw new ValidationError(`Invalid ${field}`, [detail]);
  };
  const nowMs = now.getTime();
  const sendAtMs = message.sendAt === undefined ? undefined : Date.parse(message.sendAt);
  if (sendAtMs !== undefined && sendAtMs - nowMs > sendAtMaxDays * DAY_MS) {
    refuse('sendAt', `must be at most ${sendAtMaxDays} days ahead (SEND_AT_MAX_DAYS)`);
  }
  const { ttlSeconds, ...rest } = message;
  if (ttlSeconds !== undefined && message.expiresAt !== undefined) {
    refuse('ttlSeconds', 'give expiresAt or ttlSeconds, not both');
  }
  const expiresAt =
    ttlSeconds === undefined
      ? message.expiresAt
      : new Date(nowMs + ttlSeconds * 1000).toISOString();
  if (expiresAt === undefined) {
    return rest;
  }
  const field = ttlSeconds === undefined ? 'expiresAt' : 'ttlSeconds';
  const expiresMs = Date.parse(expiresAt);
  if (expiresMs <= nowMs) {
    refuse(field, 'is already past');
  }
  if (sendAtMs !== undefined && expiresMs <= sendAtMs) {
    refuse(field, 'must end after sendAt');
  }
  return { ...rest, expiresAt: new Date(expiresMs).toISOString() };
}
