/**
 * How the service reacts to a WeChat errcode:
 * - `token`: the access_token used was rejected; invalidate that token, fetch, retry once.
 * - `transient`: retry with backoff (WeChat busy, network, timeouts, bodies that are not JSON).
 * - `rate_minute`: the app's minute quota is spent; hold its sends until the next minute.
 * - `rate_daily`: the app's daily quota is spent; hold its sends until the quota resets.
 * - `config`: the app's credentials or whitelist are wrong; messages wait, an operator acts.
 * - `permanent`: the message itself cannot be sent; dead-letter it after one call.
 */
export type ErrcodeClass =
  'token' | 'transient' | 'rate_minute' | 'rate_daily' | 'config' | 'permanent';

/** Which kind of WeChat endpoint answered: a token endpoint or a message send. */
export type ErrcodeEndpoint = 'token' | 'send';

/**
 * Pseudo-errcodes for failures that never reached a WeChat errcode (timeouts, resets, non-2xx,
 * bodies that are not JSON). WeChat's own codes are -1 or positive, so these cannot collide;
 * they let a delivery record say `{ errcode, errmsg }` for every failure.
 */
export const TRANSPORT_ERRCODES = {
  timeout: -1001,
  http_status: -1002,
  connection: -1003,
  invalid_body: -1004,
} as const;

/**
 * Pseudo-errcodes of the Open Platform token grants, for states found before WeChat is called:
 * no `component_verify_ticket` pushed yet (or none in 12 h), an authorizer without a stored
 * refresh token, a component the service does not know. All are configuration problems.
 */
export const OPEN_PLATFORM_ERRCODES = {
  ticketMissing: -1101,
  notAuthorized: -1102,
  unknownComponent: -1103,
} as const;

/** One row of the catalogue: what the code means and its class per endpoint kind. */
export interface ErrcodeRow {
  readonly meaning: string;
  readonly send: ErrcodeClass;
  readonly token: ErrcodeClass;
}

function row(meaning: string, send: ErrcodeClass, token: ErrcodeClass = send): ErrcodeRow {
  return { meaning, send, token };
}

/**
 * Every errcode of wechat-facts §6 (plus the token-endpoint codes of §1) and its class.
 *
 * On the token endpoint nothing is `permanent` or `token`: the answer says nothing about the
 * message waiting for the token, so a message must never be dead-lettered for it (CONTRACT §4:
 * token-endpoint configuration errors make messages wait). Unknown codes there are `config`.
 */
export const ERRCODE_CATALOGUE: ReadonlyMap<number, ErrcodeRow> = new Map<number, ErrcodeRow>([
  [-1, row('system busy', 'transient')],
  [TRANSPORT_ERRCODES.timeout, row('request timed out (pseudo-code)', 'transient')],
  [TRANSPORT_ERRCODES.http_status, row('non-2xx HTTP status (pseudo-code)', 'transient')],
  [TRANSPORT_ERRCODES.connection, row('connection failed or reset (pseudo-code)', 'transient')],
  [TRANSPORT_ERRCODES.invalid_body, row('empty or non-JSON body (pseudo-code)', 'transient')],
  [
    OPEN_PLATFORM_ERRCODES.ticketMissing,
    row('no component_verify_ticket yet (pseudo-code)', 'config'),
  ],
  [
    OPEN_PLATFORM_ERRCODES.notAuthorized,
    row('authorizer has no refresh token (pseudo-code)', 'config'),
  ],
  [
    OPEN_PLATFORM_ERRCODES.unknownComponent,
    row('component not configured (pseudo-code)', 'config'),
  ],
  [61023, row('invalid authorizer_refresh_token', 'config')],
  // On /cgi-bin/token 40001 means a wrong AppSecret, not a stale token.
  [40001, row('invalid credential / access_token not latest', 'token', 'config')],
  [40014, row('invalid access_token', 'token', 'config')],
  [41001, row('access_token missing', 'token', 'config')],
  [42001, row('access_token expired', 'token', 'config')],
  [45009, row('daily quota reached', 'rate_daily')],
  [45011, row('minute quota reached', 'rate_minute')],
  [40002, row('invalid grant_type', 'permanent', 'config')],
  [40013, row('invalid appid', 'permanent', 'config')],
  [40125, row('invalid appsecret', 'permanent', 'config')],
  [40164, row('caller IP not in whitelist', 'config')],
  [41002, row('appid missing', 'permanent', 'config')],
  [41004, row('appsecret missing', 'permanent', 'config')],
  [43002, row('require POST', 'permanent', 'config')],
  [89503, row('caller IP needs admin confirmation', 'config')],
  [40003, row('invalid openid', 'permanent', 'config')],
  [40036, row('invalid template_id size', 'permanent', 'config')],
  [40037, row('invalid template_id', 'permanent', 'config')],
  [40165, row('invalid weapp pagepath', 'permanent', 'config')],
  [41030, row('invalid page', 'permanent', 'config')],
  [43004, row('require subscribe', 'permanent', 'config')],
  [43101, row('user refused the message', 'permanent', 'config')],
  [45047, row('customer-service downlink limit', 'permanent', 'config')],
  [45103, row('API withdrawn', 'permanent', 'config')],
  [45109, row('API withdrawn', 'permanent', 'config')],
  [47001, row('data format error', 'permanent', 'config')],
  [47003, row('argument invalid', 'permanent', 'config')],
  [48001, row('api unauthorized', 'permanent', 'config')],
  [48006, row('clear_quota monthly limit reached', 'permanent', 'config')],
]);

/**
 * The class of an errcode answered by a token endpoint or a send endpoint.
 * Codes outside the catalogue are `permanent` on a send and `config` on a token endpoint.
 */
export function classifyErrcode(errcode: number, endpoint: ErrcodeEndpoint): ErrcodeClass {
  const known = ERRCODE_CATALOGUE.get(errcode);
  if (known) {
    return known[endpoint];
  }
  return endpoint === 'token' ? 'config' : 'permanent';
}
