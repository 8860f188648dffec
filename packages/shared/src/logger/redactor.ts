import { PREFIX_LENGTH, SecretIndex, maskSpans } from './secret-index';

/** Keys whose values are secrets wherever they appear in a logged or serialized object. */
const SECRET_KEYS = new Set(
  [
    'access_token',
    'accesstoken',
    'appsecret',
    'app_secret',
    'secret',
    'password',
    'authorization',
    'apikey',
    'api_key',
    'token',
    'x-api-key',
  ].map((k) => k.toLowerCase()),
);

/** Query-string parameters that carry secrets in WeChat URLs, which an HTTP error may carry. */
const SECRET_QUERY = /\b(access_token|secret|appsecret)=([^&\s"'#]+)/gi;

/**
 * How many fetched access tokens to remember: they rotate every two hours, so this set rolls
 * (oldest forgotten first). Configured secrets are never forgotten.
 */
const MAX_ROLLING_SECRETS = 2000;

export const REDACTED = '[REDACTED]';

/**
 * Removes secrets from strings and objects before they reach a log line, an error body or a
 * record. Masks by key name (`appSecret`, `access_token`, …), by URL query parameter, and by
 * value: every configured secret registered with {@link Redactor.registerSecret} (app secrets,
 * API keys, event tokens and AES keys, passwords, callback secrets, registry secrets) for the
 * life of the process, and the latest fetched access tokens
 * ({@link Redactor.registerRollingSecret}). Values of 6 characters and more are masked wherever
 * they appear; shorter configured values are masked where they stand as a whole token (between
 * spaces or punctuation), so a 4-character secret does not mask every word that contains it.
 */
export class Redactor {
  private readonly configured = new SecretIndex();
  private readonly rolling = new SecretIndex();
  private readonly rollingOrder: string[] = [];

  /**
   * Remembers a configured secret for the life of the process, so it is masked wherever it
   * later appears. Any length; idempotent.
   */
  registerSecret(value: string | undefined): void {
    if (value) {
      this.rolling.delete(value);
      this.configured.add(value);
    }
  }

  /**
   * Remembers a fetched access token among the latest {@link MAX_ROLLING_SECRETS}; tokens are
   * long, so shorter values are ignored. A configured secret is never demoted.
   */
  registerRollingSecret(value: string | undefined): void {
    if (
      !value ||
      value.length < PREFIX_LENGTH ||
      this.configured.has(value) ||
      this.rolling.has(value)
    ) {
      return;
    }
    if (this.rollingOrder.length >= MAX_ROLLING_SECRETS) {
      this.rolling.delete(this.rollingOrder.shift()!);
    }
    this.rolling.add(value);
    this.rollingOrder.push(value);
  }

  /** How many values are masked by content: configured and rolling. */
  get knownSecrets(): { configured: number; rolling: number } {
    return { configured: this.configured.size, rolling: this.rolling.size };
  }

  /** Masks secrets inside one string. */
  redactString(input: string): string {
    const out = input.replace(SECRET_QUERY, (_m, key: string) => `${key}=${REDACTED}`);
    const spans = this.rolling.spans(out, this.configured.spans(out));
    return maskSpans(out, spans, REDACTED);
  }

  /** Returns a deep copy of `value` with every secret masked; cycles are cut. */
  redact<T>(value: T): T {
    return this.walk(value, new WeakSet()) as T;
  }

  private walk(value: unknown, seen: WeakSet<object>): unknown {
    if (typeof value === 'string') {
      return this.redactString(value);
    }
    if (value === null || typeof value !== 'object') {
      return value;
    }
    if (seen.has(value)) {
      return '[Circular]';
    }
    seen.add(value);
    if (Array.isArray(value)) {
      return value.map((item) => this.walk(item, seen));
    }
    if (value instanceof Error) {
      return this.walkError(value, seen);
    }
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      out[key] = SECRET_KEYS.has(key.toLowerCase()) ? REDACTED : this.walk(inner, seen);
    }
    return out;
  }

  private walkError(err: Error, seen: WeakSet<object>): Record<string, unknown> {
    const out: Record<string, unknown> = {
      name: err.name,
      message: this.redactString(err.message),
      stack: err.stack ? this.redactString(err.stack) : undefined,
    };
    for (const [key, inner] of Object.entries(err)) {
      if (key === 'config' || key === 'request' || key === 'response') {
        continue; // an HTTP library's request state on its errors: full URLs, headers, sockets
      }
      out[key] = SECRET_KEYS.has(key.toLowerCase()) ? REDACTED : this.walk(inner, seen);
    }
    return out;
  }
}

/** The process-wide redactor used by every logger and error mapper. */
export const secretRedactor = new Redactor();

/**
 * Registers a configured secret (an app secret, a key, a password, a registry secret) with the
 * process-wide redactor, for the life of the process.
 */
export function registerSecret(value: string | undefined): void {
  secretRedactor.registerSecret(value);
}
