import type { RequestHandler } from 'express';
import type { ApiKeyEntry } from '@wechat-dispatch/shared';
import { CallerScope } from '../../domain/caller-scope';
import { DispatchTokens } from '../../domain/dispatch-tokens';
import { gatedAuthentication, type AuthGate } from '../auth-gate';
import { localsOf } from '../request-locals';
import { ApiKeys, type Caller } from './api-key-auth';
import { WeChatCredentialRefusal } from './wechat-error-handler';

/** Options of {@link compatAuth}. */
export interface CompatAuthOptions {
  keys: readonly ApiKeyEntry[];
  /** Dispatch tokens from `/cgi-bin/token`; none = API keys only. */
  tokens?: DispatchTokens;
  gate?: AuthGate;
}

/** A caller of the compat routes, with the app its dispatch token implies. */
export interface CompatCaller extends Caller {
  /** The app of the dispatch token; undefined for an API key. */
  tokenAppId?: string;
}

/**
 * Authenticates WeChat's `access_token` query: a dispatch token (its app's compat caller,
 * scoped to that app, 40001 unknown or 42001 expired) or an API key (as `/v1`). Sets the
 * caller's locals like `apiKeyAuth` plus the token's app (`tokenAppId`). Failures go through the gate.
 * @throws WeChatCredentialRefusal, UnauthorizedError (401), AuthThrottledError (429)
 */
export function compatAuth(options: CompatAuthOptions): RequestHandler {
  const keys = new ApiKeys({ keys: options.keys });
  const authenticate = (presented: string | undefined): CompatCaller => {
    if (presented !== undefined && options.tokens && DispatchTokens.isDispatchToken(presented)) {
      const check = options.tokens.check(presented);
      if (!check.ok) {
        throw check.errcode === 42001
          ? new WeChatCredentialRefusal(42001, 'access_token expired')
          : new WeChatCredentialRefusal(40001, 'invalid credential, access_token is invalid');
      }
      return {
        caller: check.caller,
        isAdmin: false,
        scope: CallerScope.of([check.appId]),
        tokenAppId: check.appId,
      };
    }
    return keys.authenticate(presented);
  };
  return (req, res, next) => {
    const token = req.query.access_token;
    const presented = typeof token === 'string' && token.length > 0 ? token : undefined;
    const who = gatedAuthentication(options.gate, req, res, presented !== undefined, () =>
      authenticate(presented),
    );
    if (who instanceof Promise) {
      who.catch(next);
      return;
    }
    const locals = localsOf(res);
    locals.caller = who.caller;
    locals.isAdmin = who.isAdmin;
    locals.scope = who.scope;
    locals.tokenAppId = who.tokenAppId;
    next();
  };
}
