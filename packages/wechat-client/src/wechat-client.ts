import type { HttpTransport } from './http/http-transport';
import { createNodeTransport } from './http/node-transport';
import type { EndpointContext, SendResult } from './endpoints/endpoint-context';
import { sendBizSubscribe, type BizSubscribeSendRequest } from './endpoints/bizsend';
import { sendSubscribe, type SubscribeSendRequest } from './endpoints/subscribe-send';
import { sendTemplate, type TemplateSendRequest } from './endpoints/template-send';
import { getClassicToken, getStableToken, type AccessTokenResult } from './endpoints/token';
import {
  createPreAuthCode,
  getAuthorizerToken,
  getComponentToken,
  queryAuth,
  type AuthorizationGrant,
  type AuthorizerTokens,
  type PreAuthCode,
} from './endpoints/component';
import { getAuthorizerInfo, type AuthorizerInfo } from './endpoints/authorizer-info';

/** Options of {@link WeChatClient}. */
export interface WeChatClientOptions {
  /** Origin of the WeChat API, e.g. `https://api.weixin.qq.com` or a sandbox URL. */
  baseUrl: string;
  /** Total time allowed per call, answer included, in ms (`WECHAT_TIMEOUT_MS`). */
  timeoutMs: number;
}

/**
 * Typed WeChat HTTP client, one method per endpoint. Owns one node:http(s) transport with a
 * keep-alive agent, through the proxy that `HTTPS_PROXY`/`HTTP_PROXY`/`ALL_PROXY` (and
 * `NO_PROXY`) name when the client is built; call {@link WeChatClient.close} on shutdown.
 *
 * Every method throws {@link WeChatApiError} for a non-zero errcode and
 * {@link WeChatTransportError} for timeouts, connection failures, non-2xx answers and bodies
 * that are not JSON objects. Neither ever contains the access token or the app secret.
 */
export class WeChatClient {
  /** Total time allowed per call, in ms. */
  readonly timeoutMs: number;
  private readonly http: HttpTransport;
  private readonly ctx: EndpointContext;

  constructor(options: WeChatClientOptions) {
    if (!Number.isFinite(options.timeoutMs) || options.timeoutMs <= 0) {
      throw new RangeError('WeChatClient timeoutMs must be a positive number');
    }
    this.timeoutMs = options.timeoutMs;
    this.http = createNodeTransport(options.baseUrl);
    this.ctx = { http: this.http, timeoutMs: options.timeoutMs };
  }

  /** `GET /cgi-bin/token`. Each call replaces the app's previous classic token. */
  getClassicToken(appId: string, appSecret: string): Promise<AccessTokenResult> {
    return getClassicToken(this.ctx, appId, appSecret);
  }

  /**
   * `POST /cgi-bin/stable_token`.
   * @param forceRefresh - invalidates the current token; WeChat allows 20 per day, so only an
   *   operator should ask for it. @defaultValue false
   */
  getStableToken(
    appId: string,
    appSecret: string,
    forceRefresh = false,
  ): Promise<AccessTokenResult> {
    return getStableToken(this.ctx, appId, appSecret, forceRefresh);
  }

  /** `POST /cgi-bin/component/api_component_token` (Open Platform). */
  getComponentToken(
    componentAppId: string,
    componentSecret: string,
    verifyTicket: string,
  ): Promise<AccessTokenResult> {
    return getComponentToken(this.ctx, componentAppId, componentSecret, verifyTicket);
  }

  /** `POST /cgi-bin/component/api_create_preauthcode`. */
  createPreAuthCode(componentToken: string, componentAppId: string): Promise<PreAuthCode> {
    return createPreAuthCode(this.ctx, componentToken, componentAppId);
  }

  /** `POST /cgi-bin/component/api_query_auth`: an authorization code → the authorizer's tokens. */
  queryAuth(
    componentToken: string,
    componentAppId: string,
    authorizationCode: string,
  ): Promise<AuthorizationGrant> {
    return queryAuth(this.ctx, componentToken, componentAppId, authorizationCode);
  }

  /** `POST /cgi-bin/component/api_get_authorizer_info`: kind and granted permission sets. */
  getAuthorizerInfo(
    componentToken: string,
    componentAppId: string,
    authorizerAppId: string,
  ): Promise<AuthorizerInfo> {
    return getAuthorizerInfo(this.ctx, componentToken, componentAppId, authorizerAppId);
  }

  /** `POST /cgi-bin/component/api_authorizer_token`: refresh an authorizer's token. */
  getAuthorizerToken(
    componentToken: string,
    componentAppId: string,
    authorizerAppId: string,
    refreshToken: string,
  ): Promise<AuthorizerTokens> {
    return getAuthorizerToken(
      this.ctx,
      componentToken,
      componentAppId,
      authorizerAppId,
      refreshToken,
    );
  }

  /** `POST /cgi-bin/message/template/send` (OA template message, with `client_msg_id`). */
  sendTemplate(accessToken: string, body: TemplateSendRequest): Promise<SendResult> {
    return sendTemplate(this.ctx, accessToken, body);
  }

  /** `POST /cgi-bin/message/subscribe/send` (mini program subscribe message). */
  sendSubscribe(accessToken: string, body: SubscribeSendRequest): Promise<SendResult> {
    return sendSubscribe(this.ctx, accessToken, body);
  }

  /** `POST /cgi-bin/message/subscribe/bizsend` (OA subscription notification). */
  sendBizSubscribe(accessToken: string, body: BizSubscribeSendRequest): Promise<SendResult> {
    return sendBizSubscribe(this.ctx, accessToken, body);
  }

  /**
   * Destroys the keep-alive agent. In-flight calls and any later call fail with a transient
   * {@link WeChatTransportError} of kind `connection`.
   */
  close(): void {
    this.http.close();
  }
}
