import { classifyErrcode, type ErrcodeClass, type ErrcodeEndpoint } from './errcode-catalogue';

/** WeChat's request id, written at the end of errmsg as `rid: …` (older answers: `hint: [...]`). */
const RID_PATTERN = /\brid:\s*([A-Za-z0-9-]+)/;
const HINT_PATTERN = /\bhint:\s*\[([A-Za-z0-9_-]+)\]/;

/** Extracts WeChat's request id from an errmsg, if it carries one. */
export function parseRid(errmsg: string): string | undefined {
  return RID_PATTERN.exec(errmsg)?.[1] ?? HINT_PATTERN.exec(errmsg)?.[1];
}

/** What {@link WeChatApiError} is built from. */
export interface WeChatApiErrorInit {
  errcode: number;
  /** WeChat's errmsg, already scrubbed of secrets. */
  errmsg: string;
  /** Which kind of endpoint answered; decides the class (see the errcode catalogue). */
  endpointKind: ErrcodeEndpoint;
  /** Path only, never the query: `/cgi-bin/message/template/send`. */
  endpoint: string;
  method: string;
  /** Overrides the catalogue; used when a cached token-endpoint error is replayed. */
  errorClass?: ErrcodeClass;
}

/**
 * WeChat answered (HTTP 2xx) with a non-zero `errcode`. Holds no token and no secret: it is
 * built from scratch, never wraps the HTTP library's error, and its endpoint has no query.
 */
export class WeChatApiError extends Error {
  /** WeChat's errcode, e.g. 40001. */
  readonly errcode: number;
  /** WeChat's errmsg (scrubbed, at most 512 characters). */
  readonly errmsg: string;
  /** WeChat's request id parsed from errmsg (`rid: …`), for a support ticket. */
  readonly rid?: string;
  /** How the service should react; see {@link classifyErrcode}. */
  readonly errorClass: ErrcodeClass;
  /** The path that answered, without query. */
  readonly endpoint: string;
  /** The HTTP method used. */
  readonly method: string;

  constructor(init: WeChatApiErrorInit) {
    super(`WeChat errcode ${init.errcode} on ${init.method} ${init.endpoint}: ${init.errmsg}`);
    this.name = new.target.name;
    this.errcode = init.errcode;
    this.errmsg = init.errmsg;
    this.rid = parseRid(init.errmsg);
    this.errorClass = init.errorClass ?? classifyErrcode(init.errcode, init.endpointKind);
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
      rid: this.rid,
      errorClass: this.errorClass,
      method: this.method,
      endpoint: this.endpoint,
    };
  }
}
