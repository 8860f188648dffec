/**
 * Behaviour that the control API (`POST /sandbox/config`) and the handle can change at run time.
 * Every field has WeChat's documented value as its default unless noted.
 */
export interface SandboxSettings {
  /** Lifetime of issued tokens, seconds. @defaultValue 7200 */
  tokenTtlS: number;
  /**
   * How long a replaced classic token keeps working, and how early a stable token rotates,
   * seconds. A stable token rotates at `min(tokenOverlapS, tokenTtlS / 2)` before expiry so a
   * tiny TTL still gives a reusable token. @defaultValue 300
   */
  tokenOverlapS: number;
  /** `/cgi-bin/token` calls per app per CST day before 45009. @defaultValue 2000 */
  tokenDailyLimit: number;
  /** `/cgi-bin/stable_token` calls per app per CST day before 45009. @defaultValue 500000 */
  stableTokenDailyLimit: number;
  /** Effective `force_refresh` calls per app per CST day before 45009. @defaultValue 20 */
  forceRefreshDailyLimit: number;
  /** Minimum gap between two effective force refreshes, seconds. @defaultValue 30 */
  forceRefreshMinGapS: number;
  /** Delay before every send is answered, milliseconds. @defaultValue 0 */
  latencyMs: number;
  /** Sends per app per calendar minute before 45011; absent = no cap. @defaultValue {} */
  rateCapPerMinute: Record<string, number>;
  /** Sends per app per CST day before 45009; absent = no cap. @defaultValue {} */
  dailySendQuota: Record<string, number>;
  /** Window in which a repeated `touser` + `client_msg_id` is not sent again, seconds. @defaultValue 600 */
  dedupeWindowS: number;
  /** Delay between a send's answer and its pushed event, milliseconds. @defaultValue 100 */
  eventDelayMs: number;
  /** When true, a template id missing from the template registry answers 40037. @defaultValue false */
  requireKnownTemplates: boolean;
  /** Most deliveries kept in memory; the oldest are dropped first. @defaultValue 50000 */
  maxDeliveries: number;
}

/** WeChat's documented values, plus the sandbox's own defaults. */
export const DEFAULT_SETTINGS: Readonly<SandboxSettings> = Object.freeze({
  tokenTtlS: 7200,
  tokenOverlapS: 300,
  tokenDailyLimit: 2000,
  stableTokenDailyLimit: 500_000,
  forceRefreshDailyLimit: 20,
  forceRefreshMinGapS: 30,
  latencyMs: 0,
  rateCapPerMinute: {},
  dailySendQuota: {},
  dedupeWindowS: 600,
  eventDelayMs: 100,
  requireKnownTemplates: false,
  maxDeliveries: 50_000,
});
