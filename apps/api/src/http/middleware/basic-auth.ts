import type { RequestHandler } from 'express';
import { UnauthorizedError, sameSecret as same } from '@wechat-dispatch/shared';
import { gatedAuthentication, type AuthGate } from '../auth-gate';

/**
 * HTTP basic auth for the operator dashboard. User and password are both compared, in constant
 * time, whatever the first comparison gave. Failures go through the gate's throttle.
 * @throws UnauthorizedError (401 with `WWW-Authenticate`, so browsers ask for credentials),
 *   AuthThrottledError (429)
 */
export function basicAuth(
  credentials: { user: string; password: string },
  gate?: AuthGate,
): RequestHandler {
  const check = (authorization: string | undefined): void => {
    const encoded = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(authorization ?? '')?.[1];
    const decoded = encoded ? Buffer.from(encoded, 'base64').toString('utf8') : '';
    const colon = decoded.indexOf(':');
    const user = colon < 0 ? '' : decoded.slice(0, colon);
    const password = colon < 0 ? '' : decoded.slice(colon + 1);
    const userOk = same(user, credentials.user);
    const passwordOk = same(password, credentials.password);
    if (!encoded || !userOk || !passwordOk) {
      throw new UnauthorizedError('Dashboard credentials required');
    }
  };
  return (req, res, next) => {
    const authorization = req.get('authorization');
    const checked = gatedAuthentication(gate, req, res, authorization !== undefined, () =>
      check(authorization),
    );
    if (checked instanceof Promise) {
      checked.catch((err: unknown) => {
        if (err instanceof UnauthorizedError) {
          res.setHeader('WWW-Authenticate', 'Basic realm="wechat-dispatch", charset="UTF-8"');
        }
        next(err);
      });
      return;
    }
    next();
  };
}
