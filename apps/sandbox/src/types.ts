/** The three send routes the sandbox emulates. */
export type SendApi = 'template' | 'subscribe' | 'bizsend';

/** The two token routes: `GET /cgi-bin/token` and `POST /cgi-bin/stable_token`. */
export type TokenApi = 'token' | 'stable_token';

/** The other WeChat APIs the sandbox answers (what a central token proxy forwards). */
export type OtherApi = 'user_info' | 'menu_get' | 'qrcode_create';

/** Every WeChat route a fault can match. */
export type WeChatApi = SendApi | TokenApi | OtherApi;

/** All send APIs, in display order. */
export const SEND_APIS: readonly SendApi[] = ['template', 'subscribe', 'bizsend'];

/** All token APIs, in display order. */
export const TOKEN_APIS: readonly TokenApi[] = ['token', 'stable_token'];

/** The other APIs, in display order. */
export const OTHER_APIS: readonly OtherApi[] = ['user_info', 'menu_get', 'qrcode_create'];

/** One app the sandbox knows, as in `WECHAT_APPS`. */
export interface SandboxApp {
  /** The appid (`wx…`). */
  appId: string;
  /** The AppSecret; `/cgi-bin/token` answers 40125 for any other value. */
  appSecret: string;
  /** What `api_get_authorizer_info` describes it as. @defaultValue 'official_account' */
  kind?: 'official_account' | 'mini_program';
}

/** A value in a message's `data`, normalised to WeChat's `{ value }` shape. */
export interface DataValue {
  value: string;
}

/** One message the sandbox accepted, as `GET /sandbox/messages` lists it. */
export interface SandboxMessage {
  /** The app that sent it. */
  appid: string;
  /** The route it came through. */
  api: SendApi;
  /** Recipient openid. */
  touser: string;
  /** Template id. */
  template_id: string;
  /** The data as stored (template: `first`/`remark` dropped, colours removed). */
  data: Record<string, DataValue>;
  /** WeChat's 64-bit msgid, as a decimal string. */
  msgid: string;
  /** When it was accepted (ISO 8601). */
  at: string;
  /** Final delivery status, as the event would report it (`success`, `failed:user block`, …). */
  status: string;
  /** Template `url` or subscribe/bizsend `page`, when given. */
  url?: string;
  /** Mini-program jump, when given. */
  miniprogram?: { appid: string; pagepath?: string };
  /** Template `client_msg_id`, when given. */
  client_msg_id?: string;
}
