import type { IncomingMessage, ServerResponse } from 'node:http';
import { UnauthorizedError, type AppError } from '@wechat-dispatch/shared';
import { AuthThrottledError, type AuthThrottle } from '../domain/auth-throttle';
import { clientAddress } from './client-address';

/** Where authentication is throttled: the throttle and how to tell the client's address. */
export interface AuthGate {
  /** None: failures are 401s, never throttled. */
  throttle?: AuthThrottle;
  /** `TRUST_PROXY_HOPS`. @defaultValue 0 */
  trustProxyHops?: number;
}

/** A promise rejected with `err`, whatever was thrown. */
// eslint-disable-next-line @typescript-eslint/require-await
async function rejected(err: unknown): Promise<never> {
  throw err;
}

function refuse(res: ServerResponse, err: AppError): Promise<never> {
  if (err instanceof AuthThrottledError) {
    res.setHeader('Retry-After', String(err.retryAfterSeconds));
  }
  return rejected(err);
}

/**
 * Runs `authenticate` for the request behind the gate: its result when it succeeds (at once,
 * no Redis call), or a rejected promise with the answer — 429 with `Retry-After` for an address
 * past the failure limit, else the 401, or whatever else `authenticate` threw. Only a wrong
 * credential counts as a failure: a request that `presented` none guesses nothing (a browser
 * asks for the dashboard without credentials first).
 */
export function gatedAuthentication<T>(
  gate: AuthGate | undefined,
  req: IncomingMessage,
  res: ServerResponse,
  presented: boolean,
  authenticate: () => T,
): T | Promise<never> {
  const throttle = gate?.throttle;
  const address = throttle ? clientAddress(req, gate?.trustProxyHops ?? 0) : '';
  const blocked = throttle?.blocked(address);
  if (blocked) {
    return refuse(res, blocked);
  }
  try {
    return authenticate();
  } catch (err) {
    if (!throttle || !presented || !(err instanceof UnauthorizedError)) {
      return rejected(err);
    }
    return throttle.refusal(address, err).then((answer) => refuse(res, answer));
  }
}
