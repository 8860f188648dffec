import type { ErrcodeEndpoint } from '../errors/errcode-catalogue';
import { scrubText } from '../errors/scrub';
import { WeChatApiError } from '../errors/wechat-api-error';
import { WeChatTransportError, type TransportErrorKind } from '../errors/wechat-transport-error';
import type { HttpTransport } from './http-transport';
import { parseWeChatBody } from './parse-body';

/** One call to a WeChat endpoint. */
export interface WeChatRequest {
  method: 'GET' | 'POST';
  /** Path without query, e.g. `/cgi-bin/message/template/send`. */
  path: string;
  /** Query parameters; may hold `access_token` or `secret`, so never logged or kept. */
  params?: Record<string, string>;
  body?: unknown;
  /** Which errcode column of the catalogue applies. */
  endpointKind: ErrcodeEndpoint;
  /** Values to scrub from anything the answer puts into an error (token, secret). */
  secrets: readonly string[];
  /** Total time allowed for the call, in ms. */
  timeoutMs: number;
}

const SAFE_NETWORK_CODE = /^[A-Z][A-Z0-9_]{1,40}$/;

function errorCode(e: unknown): string | undefined {
  if (typeof e === 'object' && e !== null && 'code' in e) {
    const code = e.code;
    if (typeof code === 'string' && SAFE_NETWORK_CODE.test(code)) {
      return code;
    }
  }
  return undefined;
}

function transport(
  req: WeChatRequest,
  kind: TransportErrorKind,
  detail: string,
  extra: { httpStatus?: number; networkCode?: string } = {},
): WeChatTransportError {
  return new WeChatTransportError({
    kind,
    endpoint: req.path,
    method: req.method,
    detail,
    ...extra,
  });
}

/**
 * Sends one request and returns the parsed JSON object of a successful answer.
 *
 * @throws {@link WeChatTransportError} on a timeout, a connection failure, a non-2xx status, or
 *   a body that is empty or not a JSON object.
 * @throws {@link WeChatApiError} when the body has a non-zero `errcode`.
 */
export async function wechatRequest(
  http: HttpTransport,
  req: WeChatRequest,
): Promise<Record<string, unknown>> {
  let status: number;
  let data: string;
  try {
    const answer = await http.call({
      method: req.method,
      path: req.path,
      params: req.params,
      body: req.body,
      timeoutMs: req.timeoutMs,
    });
    status = answer.status;
    data = answer.text;
  } catch (e: unknown) {
    // Build a fresh error from the code alone: nothing of the transport's error (host, URL with
    // access_token, body with the secret) may survive as a cause.
    const networkCode = errorCode(e);
    if (networkCode === 'ETIMEDOUT' || networkCode === 'ECONNABORTED') {
      throw transport(req, 'timeout', `no answer within ${req.timeoutMs} ms`, { networkCode });
    }
    throw transport(req, 'connection', 'connection failed', { networkCode });
  }
  if (status < 200 || status > 299) {
    throw transport(req, 'http_status', 'unexpected HTTP status', { httpStatus: status });
  }
  const body = parseWeChatBody(data);
  if (body === undefined) {
    throw transport(req, 'invalid_body', 'body is empty or not a JSON object', {
      httpStatus: status,
    });
  }
  const errcode = body.errcode;
  if (errcode === undefined || errcode === 0) {
    return body;
  }
  if (typeof errcode !== 'number') {
    throw transport(req, 'invalid_body', 'errcode is not a number', { httpStatus: status });
  }
  const errmsg = typeof body.errmsg === 'string' ? body.errmsg : '';
  throw new WeChatApiError({
    errcode,
    errmsg: scrubText(errmsg, req.secrets),
    endpointKind: req.endpointKind,
    endpoint: req.path,
    method: req.method,
  });
}
