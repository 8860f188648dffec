import { createHttp, type HttpClientKind, type HttpHandle } from './http/create-http';
import type { EndpointContext, SendResult } from './endpoints/endpoint-context';
import { sendBizSubscribe, type BizSubscribeSendRequest } from './endpoints/bizsend';
import { sendSubscribe, type SubscribeSendRequest } from './endpoints/subscribe-send';
import { sendTemplate, type TemplateSendRequest } from './endpoints/template-send';
import { getClassicToken, getStableToken, type AccessTokenResult } from './endpoints/token';

/** Options of {@link WeChatClient}. */
export interface WeChatClientOptions {
  /** Origin of the WeChat API, e.g. `https://api.weixin.qq.com` or a sandbox URL. */
  baseUrl: string;
  /** Total time allowed per call, in ms (`WECHAT_TIMEOUT_MS`). */
  timeoutMs: number;
  /** The HTTP library (`WECHAT_HTTP_CLIENT`). @defaultValue 'axios' */
  httpClient?: HttpClientKind;
}

/**
 * Typed WeChat HTTP client, one method per endpoint. Owns one HTTP transport (axios by default) with keep-alive
 * agents; call {@link WeChatClient.close} on shutdown.
 *
 * Every method throws {@link WeChatApiError} for a non-zero errcode and
 * {@link WeChatTransportError} for timeouts, connection failures, non-2xx answers and bodies
 * that are not JSON objects. Neither ever contains the access token or the app secret.
 */
export class WeChatClient {
  /** Total time allowed per call, in ms. */
  readonly timeoutMs: number;
  private readonly handle: HttpHandle;
  private readonly ctx: EndpointContext;

  constructor(options: WeChatClientOptions) {
    if (!Number.isFinite(options.timeoutMs) || options.timeoutMs <= 0) {
      throw new RangeError('WeChatClient timeoutMs must be a positive number');
    }
    this.timeoutMs = options.timeoutMs;
    this.handle = createHttp(options.baseUrl, options.timeoutMs, options.httpClient);
    this.ctx = { http: this.handle.http, timeoutMs: options.timeoutMs };
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
   * Destroys the keep-alive agents. In-flight calls and any later call fail with a transient
   * {@link WeChatTransportError} of kind `connection`.
   */
  close(): void {
    this.handle.close();
  }
}
