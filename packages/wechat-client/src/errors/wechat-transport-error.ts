import { TRANSPORT_ERRCODES } from './errcode-catalogue';

/** Why no usable WeChat answer arrived. */
export type TransportErrorKind = keyof typeof TRANSPORT_ERRCODES;

/** What {@link WeChatTransportError} is built from. */
export interface WeChatTransportErrorInit {
  kind: TransportErrorKind;
  /** Path only, never the query. */
  endpoint: string;
  method: string;
  /** The HTTP status, for `http_status` (and `invalid_body` when known). */
  httpStatus?: number;
  /** The socket error code (`ECONNRESET`, `ETIMEDOUT`, …), never its message. */
  networkCode?: string;
  /** A fixed description; must not contain request data. */
  detail: string;
}

/**
 * No usable answer from WeChat: a timeout, a connection failure or reset, a non-2xx status, or
 * a body that is empty or not a JSON object. Always `transient`.
 *
 * `errcode` is a pseudo-code from {@link TRANSPORT_ERRCODES} (-1001 timeout, -1002 HTTP status,
 * -1003 connection, -1004 invalid body) so records can store `{ errcode, errmsg }` for every
 * failure; WeChat itself only uses -1 and positive codes.
 *
 * Built fresh from a few safe facts; the HTTP library's error (which carries the URL with
 * `access_token`, the request config and the body with the secret) is never kept.
 */
export class WeChatTransportError extends Error {
  readonly errorClass = 'transient' as const;
  /** What went wrong. */
  readonly kind: TransportErrorKind;
  /** Pseudo-errcode for records; see the class description. */
  readonly errcode: number;
  /** Same text as the message, for records that store `{ errcode, errmsg }`. */
  readonly errmsg: string;
  /** HTTP status, when a response arrived. */
  readonly httpStatus?: number;
  /** Socket error code, when the connection failed. */
  readonly networkCode?: string;
  /** The path called, without query. */
  readonly endpoint: string;
  /** The HTTP method used. */
  readonly method: string;

  constructor(init: WeChatTransportErrorInit) {
    const status = init.httpStatus === undefined ? '' : ` (HTTP ${init.httpStatus})`;
    const code = init.networkCode === undefined ? '' : ` [${init.networkCode}]`;
    const text = `${init.detail}${status}${code} on ${init.method} ${init.endpoint}`;
    super(`WeChat transport error: ${text}`);
    this.name = new.target.name;
    this.kind = init.kind;
    this.errcode = TRANSPORT_ERRCODES[init.kind];
    this.errmsg = text;
    this.httpStatus = init.httpStatus;
    this.networkCode = init.networkCode;
    this.endpoint = init.endpoint;
    this.method = init.method;
  }

  /** The fields a log line or a record needs. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      message: this.message,
      errcode: this.errcode,
      errmsg: this.errmsg,
      errorClass: this.errorClass,
      kind: this.kind,
      httpStatus: this.httpStatus,
      networkCode: this.networkCode,
      method: this.method,
      endpoint: this.endpoint,
    };
  }
}
