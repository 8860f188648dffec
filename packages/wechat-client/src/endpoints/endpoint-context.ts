import type { HttpTransport } from '../http/http-transport';

/** What every endpoint function needs from its WeChatClient. */
export interface EndpointContext {
  readonly http: HttpTransport;
  /** Total time allowed per call, in ms. */
  readonly timeoutMs: number;
}

/** A template or subscribe data map: `{ thing1: { value: '…' } }`. */
export type MessageData = Record<string, { value: string }>;

/** A jump into a mini program from an OA message. */
export interface MiniprogramLink {
  appid: string;
  /** Page path with query, e.g. `pages/order?id=1`. */
  pagepath?: string;
}

/** What a send returns. */
export interface SendResult {
  /** WeChat's msgid as a string with every digit (a 64-bit integer); absent if not returned. */
  msgid?: string;
}
