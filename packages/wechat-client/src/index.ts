export {
  classifyErrcode,
  ERRCODE_CATALOGUE,
  TRANSPORT_ERRCODES,
  type ErrcodeClass,
  type ErrcodeEndpoint,
  type ErrcodeRow,
} from './errors/errcode-catalogue';
export { WeChatApiError, parseRid, type WeChatApiErrorInit } from './errors/wechat-api-error';
export {
  WeChatTransportError,
  type TransportErrorKind,
  type WeChatTransportErrorInit,
} from './errors/wechat-transport-error';
export { isWeChatError } from './errors/is-wechat-error';
export { WeChatClient, type WeChatClientOptions } from './wechat-client';
export type { MessageData, MiniprogramLink, SendResult } from './endpoints/endpoint-context';
export {
  CLASSIC_TOKEN_PATH,
  STABLE_TOKEN_PATH,
  type AccessTokenResult,
  type ClassicTokenQuery,
  type StableTokenRequest,
  type TokenResponse,
} from './endpoints/token';
export {
  TEMPLATE_SEND_PATH,
  type TemplateSendRequest,
  type TemplateSendResponse,
} from './endpoints/template-send';
export {
  SUBSCRIBE_SEND_PATH,
  type SubscribeSendRequest,
  type SubscribeSendResponse,
  type MiniprogramState,
  type SubscribeLang,
} from './endpoints/subscribe-send';
export {
  BIZSEND_PATH,
  type BizSubscribeSendRequest,
  type BizSubscribeSendResponse,
} from './endpoints/bizsend';
export { AccessTokenService, type AccessTokenProvider } from './access-token/access-token-service';
export type { TokenConfigError } from './access-token/config-error-board';
export type {
  AccessTokenServiceOptions,
  AccessTokenHooks,
  TokenFetchOutcome,
  TokenMode,
} from './access-token/access-token-options';
export { tokenKeys, type TokenKeys } from './access-token/token-keys';
export { UnknownAppError } from './access-token/token-errors';
export { sendWithToken, type SendWithTokenResult } from './access-token/send-with-token';
