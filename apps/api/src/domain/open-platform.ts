import { setTimeout as sleep } from 'node:timers/promises';
import {
  AppError,
  ERROR_CODES,
  NotFoundError,
  ValidationError,
  type Logger,
} from '@wechat-dispatch/shared';
import {
  mayDeliverMessages,
  type AppRegistryStore,
  type ComponentCredentials,
  type ComponentStore,
} from '@wechat-dispatch/core';
import {
  WeChatApiError,
  isWeChatError,
  type AccessTokenProvider,
  type WeChatClient,
} from '@wechat-dispatch/wechat-client';
import { readPushBody } from './parse-wechat-event';
import { decryptPush, pushSignature, sameSignature } from './wechat-push-crypto';
import type { PushQuery } from './event-receiver';

/** Dependencies of {@link OpenPlatform}. */
export interface OpenPlatformDeps {
  store: ComponentStore;
  registry: AppRegistryStore;
  client: WeChatClient;
  /** component_access_tokens (the token service with component grants). */
  componentTokens: AccessTokenProvider;
  logger: Logger;
  /** WeChat's authorization page. */
  loginPageUrl: string;
  /** @defaultValue 300 */
  maxAgeSeconds?: number;
  /** How long the redirect waits for an exchange the push started. @defaultValue 10000 */
  exchangeWaitMs?: number;
  now?: () => Date;
}

/** What an authorization-event push carries, decrypted. */
type InfoPush = Record<string, string>;

/** Codes are valid an hour at WeChat; a claim outlives that. */
const CODE_CLAIM_SECONDS = 2 * 3600;

const rejected = (message: string) => new AppError(ERROR_CODES.INVALID_SIGNATURE, 401, message);

/**
 * The third-party platform side (第三方平台): the authorization event URL (tickets and
 * authorization changes, safe-mode encrypted, signature checked), the merchant authorization
 * URL and the exchange of authorization codes into stored authorizers.
 */
export class OpenPlatform {
  private readonly maxAgeSeconds: number;
  private readonly now: () => Date;

  constructor(private readonly deps: OpenPlatformDeps) {
    this.maxAgeSeconds = deps.maxAgeSeconds ?? 300;
    this.now = deps.now ?? (() => new Date());
  }

  /**
   * Runs a call to WeChat's component endpoints, answering its failures honestly: a missing
   * ticket or an unreachable WeChat is 503 `component_not_ready`, a refusal 502 `wechat_refused`
   * with WeChat's errcode (never a secret).
   */
  async viaWeChat<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err: unknown) {
      if (err instanceof AppError) {
        throw err;
      }
      if (isWeChatError(err) && err instanceof WeChatApiError) {
        const notReady = err.errorClass === 'config' && err.errcode < 0;
        throw new AppError(
          notReady ? ERROR_CODES.COMPONENT_NOT_READY : ERROR_CODES.WECHAT_REFUSED,
          notReady ? 503 : 502,
          `WeChat errcode ${err.errcode}: ${err.errmsg}`,
        );
      }
      if (isWeChatError(err)) {
        throw new AppError(ERROR_CODES.COMPONENT_NOT_READY, 503, 'WeChat did not answer in time');
      }
      throw err;
    }
  }

  /** A component's push credentials. @throws NotFoundError for an unknown component */
  async credentials(componentAppId: string): Promise<ComponentCredentials> {
    const credentials = await this.deps.store.credentials(componentAppId);
    if (credentials === undefined) {
      throw new NotFoundError(`No component ${componentAppId} is configured`);
    }
    return credentials;
  }

  /**
   * One push to the authorization event URL: verified, decrypted and applied. Ticket pushes are
   * stored (newest wins); `authorized`/`updateauthorized` start the code exchange in the
   * background (WeChat wants `success` at once); `unauthorized` disables the authorizer.
   */
  async receive(componentAppId: string, query: PushQuery, body: string): Promise<string> {
    const credentials = await this.credentials(componentAppId);
    const push = this.open(credentials, query, body);
    const info = push.InfoType;
    const authorizer = push.AuthorizerAppid;
    const meta = { componentAppId, infoType: info, authorizerAppId: authorizer };
    if (info === 'component_verify_ticket' && push.ComponentVerifyTicket) {
      const stored = await this.deps.store.saveTicket(
        componentAppId,
        push.ComponentVerifyTicket,
        Number(push.CreateTime ?? 0),
      );
      this.deps.logger.info('component verify ticket received', { ...meta, stored });
    } else if ((info === 'authorized' || info === 'updateauthorized') && push.AuthorizationCode) {
      const code = push.AuthorizationCode;
      this.exchange(componentAppId, code).catch((err: unknown) =>
        this.deps.logger.warn('authorization code exchange failed', { ...meta, err }),
      );
    } else if (info === 'unauthorized' && authorizer) {
      const app = await this.deps.registry.setEnabled(authorizer, false);
      this.deps.logger.warn('authorizer unauthorized the platform: disabled', {
        ...meta,
        known: app !== undefined,
      });
    } else {
      this.deps.logger.info('component push ignored', meta);
    }
    return info ?? '';
  }

  /** The merchant's authorization URL, with a fresh pre_auth_code. */
  async authorizeUrl(
    componentAppId: string,
    redirectUri: string,
    authType?: number,
  ): Promise<{ url: string; expiresIn: number }> {
    await this.credentials(componentAppId);
    const token = await this.deps.componentTokens.get(componentAppId);
    const pre = await this.deps.client.createPreAuthCode(token, componentAppId);
    const url = new URL(this.deps.loginPageUrl);
    url.searchParams.set('component_appid', componentAppId);
    url.searchParams.set('pre_auth_code', pre.preAuthCode);
    url.searchParams.set('redirect_uri', redirectUri);
    if (authType !== undefined) {
      url.searchParams.set('auth_type', String(authType));
    }
    return { url: url.toString(), expiresIn: pre.expiresIn };
  }

  /**
   * The redirect after the merchant confirmed: exchanges the code (or waits for the exchange
   * the `authorized` push started). @returns the authorizer's appId
   */
  async completeAuthorization(componentAppId: string, code: string): Promise<string> {
    await this.credentials(componentAppId);
    const done = await this.exchange(componentAppId, code);
    if (done !== undefined) {
      return done;
    }
    const deadline = Date.now() + (this.deps.exchangeWaitMs ?? 10000);
    while (Date.now() < deadline) {
      const outcome = await this.deps.store.authCodeOutcome(componentAppId, code);
      if (outcome !== undefined) {
        return outcome;
      }
      await sleep(50);
    }
    throw new AppError(
      ERROR_CODES.COMPONENT_NOT_READY,
      503,
      'The authorization is still being exchanged; reload this page',
    );
  }

  /** Exchanges a code once; undefined when another path holds its claim. */
  private async exchange(componentAppId: string, code: string): Promise<string | undefined> {
    const { store } = this.deps;
    if (!(await store.claimAuthCode(componentAppId, code, CODE_CLAIM_SECONDS))) {
      return store.authCodeOutcome(componentAppId, code);
    }
    try {
      const token = await this.deps.componentTokens.get(componentAppId);
      const auth = await this.deps.client.queryAuth(token, componentAppId, code);
      // The refresh token first: an authorizer in the registry always has one.
      await store.setRefreshToken(componentAppId, auth.authorizerAppId, auth.refreshToken);
      const kind = await this.kindOf(token, componentAppId, auth.authorizerAppId);
      const enabled = mayDeliverMessages(kind, auth.funcScopes);
      const { created } = await this.deps.registry.putAuthorizer(auth.authorizerAppId, {
        componentAppId,
        kind,
        funcScopes: auth.funcScopes,
        enabled,
      });
      await store.settleAuthCode(componentAppId, code, auth.authorizerAppId, CODE_CLAIM_SECONDS);
      const meta = { componentAppId, authorizerAppId: auth.authorizerAppId, created, kind };
      if (enabled) {
        this.deps.logger.info('authorizer stored', { ...meta, funcScopes: auth.funcScopes });
      } else {
        // Its messages wait (held) until the merchant grants the permission again.
        this.deps.logger.warn('authorizer stored disabled: notification permission not granted', {
          ...meta,
          funcScopes: auth.funcScopes,
        });
      }
      return auth.authorizerAppId;
    } catch (err: unknown) {
      await store.releaseAuthCode(componentAppId, code).catch(() => undefined);
      throw err;
    }
  }

  /** The authorizer's kind from `api_get_authorizer_info`; undefined (logged) if WeChat fails. */
  private async kindOf(
    token: string,
    componentAppId: string,
    authorizerAppId: string,
  ): Promise<'official_account' | 'mini_program' | undefined> {
    try {
      const info = await this.deps.client.getAuthorizerInfo(token, componentAppId, authorizerAppId);
      return info.kind;
    } catch (err: unknown) {
      this.deps.logger.warn('authorizer info not read: kind left unset', {
        componentAppId,
        authorizerAppId,
        err,
      });
      return undefined;
    }
  }

  /** Signature, freshness, msg_signature, decryption and the component appid of a push. */
  private open(credentials: ComponentCredentials, query: PushQuery, body: string): InfoPush {
    const { timestamp = '', nonce = '' } = query;
    if (!sameSignature(pushSignature(credentials.token, timestamp, nonce), query.signature)) {
      throw rejected('The signature does not match the component token');
    }
    const age = Math.abs(this.now().getTime() / 1000 - Number(timestamp));
    if (!Number.isFinite(age) || age > this.maxAgeSeconds) {
      throw rejected('The timestamp is stale');
    }
    let envelope: Record<string, unknown>;
    try {
      envelope = readPushBody(body);
    } catch {
      throw new ValidationError('The push body is not XML');
    }
    const encrypt = typeof envelope.Encrypt === 'string' ? envelope.Encrypt.trim() : '';
    if (!encrypt) {
      throw rejected('Authorization events must be encrypted (safe mode)');
    }
    const expected = pushSignature(credentials.token, timestamp, nonce, encrypt);
    if (!sameSignature(expected, query.msg_signature)) {
      throw rejected('The msg_signature does not match');
    }
    let decrypted: { message: string; appId: string };
    try {
      decrypted = decryptPush(encrypt, credentials.encodingAesKey);
    } catch {
      throw rejected('The push does not decrypt with the component key');
    }
    if (decrypted.appId !== credentials.componentAppId) {
      throw rejected('The push was encrypted for another component');
    }
    try {
      const fields = readPushBody(decrypted.message);
      return Object.fromEntries(
        Object.entries(fields).flatMap(([k, v]) =>
          typeof v === 'string' || typeof v === 'number' ? [[k, String(v)]] : [],
        ),
      );
    } catch {
      throw new ValidationError('The decrypted push is not XML');
    }
  }
}
