import type { Logger } from '@wechat-dispatch/shared';
import { COMPONENT_PATHS } from '../endpoints/component';
import { OPEN_PLATFORM_ERRCODES } from '../errors/errcode-catalogue';
import { isWeChatError } from '../errors/is-wechat-error';
import { WeChatApiError } from '../errors/wechat-api-error';
import type { WeChatClient } from '../wechat-client';
import type { TokenCredentialSource, TokenGrant } from './access-token-options';
import type { AccessTokenProvider } from './access-token-service';

/** Where a component's secret and newest verify ticket are read (core's ComponentStore). */
export interface ComponentSource {
  credentials(componentAppId: string): Promise<{ componentSecret: string } | undefined>;
  ticket(componentAppId: string): Promise<string | undefined>;
}

/** An authorizer's refresh token as read, to swap from. */
export interface HeldRefreshToken {
  refreshToken: string;
}

/** Where authorizers' refresh tokens live (core's ComponentStore: sealed, compare-and-set). */
export interface RefreshTokenVault<T extends HeldRefreshToken = HeldRefreshToken> {
  refreshToken(componentAppId: string, authorizerAppId: string): Promise<T | undefined>;
  /** Replaces `used` by `next` unless another value was stored since. */
  swapRefreshToken(
    componentAppId: string,
    authorizerAppId: string,
    used: T,
    next: string,
  ): Promise<boolean>;
}

/** Errcodes with which WeChat refuses a component_access_token itself. */
const STALE_COMPONENT_TOKEN = new Set([40001, 40014, 42001]);

function configError(errcode: number, errmsg: string, endpoint: string): WeChatApiError {
  return new WeChatApiError({ errcode, errmsg, endpointKind: 'token', endpoint, method: 'POST' });
}

/**
 * The grant of a component_access_token: `api_component_token` with the component's secret and
 * the newest pushed `component_verify_ticket`. Without a ticket it fails at once with the
 * configuration pseudo-errcode `ticketMissing` (negatively cached, shown by `/readyz`), never
 * a loop.
 */
export function componentGrant(
  client: WeChatClient,
  componentAppId: string,
  source: ComponentSource,
): TokenGrant {
  const path = COMPONENT_PATHS.componentToken;
  return {
    family: 'component',
    endpoint: { path, method: 'POST' },
    fingerprint: `component:${componentAppId}`,
    async fetch() {
      const [credentials, ticket] = await Promise.all([
        source.credentials(componentAppId),
        source.ticket(componentAppId),
      ]);
      if (credentials === undefined) {
        throw configError(
          OPEN_PLATFORM_ERRCODES.unknownComponent,
          `component ${componentAppId} is not configured (WECHAT_COMPONENTS or PUT /v1/admin/components)`,
          path,
        );
      }
      if (ticket === undefined) {
        throw configError(
          OPEN_PLATFORM_ERRCODES.ticketMissing,
          'no component_verify_ticket received yet: WeChat pushes it every 10 minutes to the authorization event URL',
          path,
        );
      }
      return client.getComponentToken(componentAppId, credentials.componentSecret, ticket);
    },
  };
}

/**
 * The credential source of a token service for component_access_tokens: every id is a
 * component whose token comes from {@link componentGrant} (an unknown one fails with
 * `unknownComponent`).
 */
export function componentTokenSource(
  client: WeChatClient,
  source: ComponentSource,
): TokenCredentialSource {
  return {
    secretOf: () => undefined,
    grantOf: (componentAppId) => componentGrant(client, componentAppId, source),
  };
}

/** What {@link authorizerGrant} needs. */
export interface AuthorizerGrantDeps<T extends HeldRefreshToken> {
  client: WeChatClient;
  /** component_access_tokens (an AccessTokenService whose grants are {@link componentGrant}s). */
  componentTokens: AccessTokenProvider;
  vault: RefreshTokenVault<T>;
  logger: Logger;
}

/**
 * The grant of an authorizer_access_token: `api_authorizer_token` with the component's token
 * and the stored refresh token. A new refresh token in the answer replaces the one used by
 * compare-and-set before the access token is handed out, so a crash or a slower peer never
 * loses the newest one. A refused component token is dropped (compare-and-delete) and the call
 * made once more with a fresh one.
 */
export function authorizerGrant<T extends HeldRefreshToken>(
  deps: AuthorizerGrantDeps<T>,
  componentAppId: string,
  authorizerAppId: string,
): TokenGrant {
  const path = COMPONENT_PATHS.authorizerToken;
  const call = async (stored: T, retry: boolean) => {
    const componentToken = await deps.componentTokens.get(componentAppId);
    try {
      return await deps.client.getAuthorizerToken(
        componentToken,
        componentAppId,
        authorizerAppId,
        stored.refreshToken,
      );
    } catch (err: unknown) {
      if (retry && isWeChatError(err) && STALE_COMPONENT_TOKEN.has(err.errcode)) {
        await deps.componentTokens.invalidate(componentAppId, componentToken);
        return call(stored, false);
      }
      throw err;
    }
  };
  return {
    family: 'authorizer',
    endpoint: { path, method: 'POST' },
    fingerprint: `authorizer:${componentAppId}`,
    async fetch() {
      const stored = await deps.vault.refreshToken(componentAppId, authorizerAppId);
      if (stored === undefined) {
        throw configError(
          OPEN_PLATFORM_ERRCODES.notAuthorized,
          'no authorizer_refresh_token stored: the merchant must authorize the platform',
          path,
        );
      }
      const tokens = await call(stored, true);
      if (tokens.refreshToken !== stored.refreshToken) {
        const replaced = await deps.vault.swapRefreshToken(
          componentAppId,
          authorizerAppId,
          stored,
          tokens.refreshToken,
        );
        deps.logger.info('authorizer refresh token rotated', {
          componentAppId,
          authorizerAppId,
          replaced,
        });
      }
      return { accessToken: tokens.accessToken, expiresIn: tokens.expiresIn };
    },
  };
}
