/** How {@link retryingFetch} retries. */
export interface RetryOptions {
  /** Attempts after the first. @defaultValue 3 */
  retries?: number;
  /** Wait when an answer has no usable `Retry-After`, doubled per attempt. @defaultValue 500 */
  baseDelayMs?: number;
  /** Longest single wait, whatever `Retry-After` says. @defaultValue 30000 */
  maxDelayMs?: number;
  /** How to wait (tests pass their own). @defaultValue setTimeout */
  sleep?: (ms: number) => Promise<void>;
  /** The fetch to call. @defaultValue globalThis.fetch */
  fetch?: typeof fetch;
}

/** Answers worth another try: Redis unavailable (nothing stored) and rate limits. */
const RETRIED = new Set([429, 503]);

/** `Retry-After` in milliseconds: delta-seconds or an HTTP date; undefined when absent or bad. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (header === null || header.trim() === '') {
    return undefined;
  }
  if (/^\d+$/.test(header.trim())) {
    return Number(header.trim()) * 1000;
  }
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * A fetch that sends a request again after a 503 or 429, waiting as the answer's `Retry-After`
 * says (else an exponential backoff), up to `retries` times. The request is sent unchanged
 * each time, so its Idempotency-Key makes a retry of a send safe.
 */
export function retryingFetch(options: RetryOptions = {}): (input: Request) => Promise<Response> {
  const retries = options.retries ?? 3;
  const base = options.baseDelayMs ?? 500;
  const max = options.maxDelayMs ?? 30_000;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const send = options.fetch ?? globalThis.fetch;
  return async (request) => {
    for (let attempt = 0; ; attempt += 1) {
      const response = await send(request.clone());
      if (!RETRIED.has(response.status) || attempt >= retries) {
        return response;
      }
      const told = retryAfterMs(response.headers.get('retry-after'));
      await response.body?.cancel();
      await sleep(Math.min(max, told ?? base * 2 ** attempt));
    }
  };
}
