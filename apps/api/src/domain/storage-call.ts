import { AppError, DependencyUnavailableError } from '@wechat-dispatch/shared';

/**
 * Runs a storage call; anything it throws that is not one of our own errors is a Redis failure
 * and becomes a 503 saying nothing was stored.
 * @throws DependencyUnavailableError wrapping the original error as `cause`
 */
export async function storageCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw err instanceof AppError ? err : new DependencyUnavailableError(undefined, err);
  }
}
