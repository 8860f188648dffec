export type { ErrcodeClass } from './errors/errcode-catalogue';
export { WeChatApiError } from './errors/wechat-api-error';
export { WeChatTransportError, type TransportErrorKind } from './errors/wechat-transport-error';
export { isWeChatError } from './errors/is-wechat-error';
export { WeChatClient, type WeChatClientOptions } from './wechat-client';
export type { MessageData, MiniprogramLink, SendResult } from './endpoints/endpoint-context';
export type { AccessTokenResult } from './endpoints/token';
export {
  COMPONENT_PATHS,
  type AuthorizationGrant,
  type AuthorizerTokens,
  type PreAuthCode,
} from './endpoints/component';
export { AUTHORIZER_INFO_PATH, type AuthorizerInfo } from './endpoints/authorizer-info';
export { OPEN_PLATFORM_ERRCODES, ERRCODE_CATALOGUE } from './errors/errcode-catalogue';
export {
  authorizerGrant,
  componentGrant,
  componentTokenSource,
  type AuthorizerGrantDeps,
  type ComponentSource,
  type HeldRefreshToken,
  type RefreshTokenVault,
} from './access-token/open-platform-grants';
export type { TemplateSendRequest } from './endpoints/template-send';
export type {
  SubscribeSendRequest,
  MiniprogramState,
  SubscribeLang,
} from './endpoints/subscribe-send';
export type { BizSubscribeSendRequest } from './endpoints/bizsend';
export { AccessTokenService, type AccessTokenProvider } from './access-token/access-token-service';
export type { TokenConfigError } from './access-token/config-error-board';
export type {
  AccessTokenServiceOptions,
  AccessTokenHooks,
  TokenCredentialSource,
  TokenFetchOutcome,
  TokenGrant,
  TokenMode,
} from './access-token/access-token-options';
export { UnknownAppError } from './access-token/token-errors';
export { sendWithToken, type SendWithTokenResult } from './access-token/send-with-token';
