import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { UnauthorizedError, type ApiKeyEntry } from '@wechat-dispatch/shared';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Finds the caller whose key equals `presented`. Every key is compared, each in constant time
 * over equal-length digests, so timing reveals neither which key nor how much of it matched.
 */
export function findCaller(keys: readonly ApiKeyEntry[], presented: string): string | undefined {
  const presentedDigest = digest(presented);
  let caller: string | undefined;
  for (const entry of keys) {
    if (timingSafeEqual(digest(entry.key), presentedDigest)) {
      caller = entry.name;
    }
  }
  return caller;
}

/** Requires `Authorization: Bearer <key>`; puts the caller's name in `res.locals.caller`. */
export function apiKeyAuth(keys: readonly ApiKeyEntry[]): RequestHandler {
  return (req, res, next) => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const caller = match?.[1] ? findCaller(keys, match[1]) : undefined;
    if (!caller) {
      throw new UnauthorizedError();
    }
    res.locals.caller = caller;
    next();
  };
}
