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

/** Shortest value worth masking by content; shorter ones would mask ordinary words. */
const MIN_SECRET_LENGTH = 6;

/** How many known secrets to remember: access tokens rotate, so the set must stay bounded. */
const MAX_KNOWN_SECRETS = 2000;

export const REDACTED = '[REDACTED]';

/**
 * Removes secrets from strings and objects before they reach a log line, an error body or a
 * record. Masks by key name (`appSecret`, `access_token`, …), by URL query parameter, and by
 * value for every secret registered with {@link Redactor.registerSecret} (app secrets, API keys
 * and each access token as it is fetched).
 */
export class Redactor {
  private readonly secrets = new Set<string>();

  /** Remembers a secret value so it is masked wherever it later appears. */
  registerSecret(value: string | undefined): void {
    if (!value || value.length < MIN_SECRET_LENGTH || this.secrets.has(value)) {
      return;
    }
    if (this.secrets.size >= MAX_KNOWN_SECRETS) {
      const oldest = this.secrets.values().next().value;
      if (oldest !== undefined) {
        this.secrets.delete(oldest);
      }
    }
    this.secrets.add(value);
  }

  /** Masks secrets inside one string. */
  redactString(input: string): string {
    let out = input.replace(SECRET_QUERY, (_m, key: string) => `${key}=${REDACTED}`);
    for (const secret of this.secrets) {
      if (out.includes(secret)) {
        out = out.split(secret).join(REDACTED);
      }
    }
    return out;
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
