/** Thrown by {@link withTimeout} when the work takes too long. */
export class TimeoutError extends Error {
  constructor(ms: number) {
    super(`timed out after ${ms} ms`);
    this.name = 'TimeoutError';
  }
}

/**
 * `work`'s outcome, or a {@link TimeoutError} after `ms`. The work itself goes on (a Redis
 * command cannot be recalled); only the wait is bounded — for probes and scrapes that must
 * answer while Redis is away.
 */
export function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(ms)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
