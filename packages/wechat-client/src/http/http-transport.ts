/** One HTTP call to WeChat: the path under the base URL, query parameters, a JSON body. */
export interface HttpCall {
  method: 'GET' | 'POST';
  path: string;
  /** Query parameters; may hold `access_token` or `secret`, so never logged or kept. */
  params?: Record<string, string>;
  /** Sent as JSON. */
  body?: unknown;
  /** Total time allowed for the call, answer included, in ms. */
  timeoutMs: number;
}

/** What came back: any status (the caller maps it) and the body as text. */
export interface HttpAnswer {
  status: number;
  text: string;
}

/**
 * How WeChatClient reaches WeChat. A call resolves with every answer, whatever its status, and
 * rejects with an Error whose `code` names what went wrong (`ETIMEDOUT`, `ECONNRESET`,
 * `ERR_CLIENT_CLOSED`, …); that error never holds the URL, query or body, which carry secrets.
 */
export interface HttpTransport {
  call(call: HttpCall): Promise<HttpAnswer>;
  /** Frees the keep-alive sockets; later calls fail with `ERR_CLIENT_CLOSED`. */
  close(): void;
}

/** Largest WeChat answer accepted; real ones are under 1 KiB. */
export const MAX_RESPONSE_BYTES = 1024 * 1024;

/** Headers of every call: WeChat labels JSON `text/plain` at times. */
export const ACCEPT = 'application/json, text/plain, */*';

/** An Error that carries only a code and a fixed message. */
export function transportFailure(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}
