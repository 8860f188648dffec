import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { UnauthorizedError } from '@wechat-dispatch/shared';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Constant-time equality of two strings of any length (compared as SHA-256 digests). */
function same(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

/**
 * HTTP basic auth for the operator dashboard. User and password are both compared, in constant
 * time, whatever the first comparison gave.
 * @throws UnauthorizedError (401 with `WWW-Authenticate`, so browsers ask for credentials)
 */
export function basicAuth(credentials: { user: string; password: string }): RequestHandler {
  return (req, res, next) => {
    const encoded = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(req.get('authorization') ?? '')?.[1];
    const decoded = encoded ? Buffer.from(encoded, 'base64').toString('utf8') : '';
    const colon = decoded.indexOf(':');
    const user = colon < 0 ? '' : decoded.slice(0, colon);
    const password = colon < 0 ? '' : decoded.slice(colon + 1);
    const userOk = same(user, credentials.user);
    const passwordOk = same(password, credentials.password);
    if (!encoded || !userOk || !passwordOk) {
      res.setHeader('WWW-Authenticate', 'Basic realm="wechat-dispatch", charset="UTF-8"');
      throw new UnauthorizedError('Dashboard credentials required');
    }
    next();
  };
}
