import type { RedisClient } from './create-redis';
import type { Logger } from '../logger/create-logger';

/** At most one connection-error line per connection in this many ms, so an outage cannot flood logs. */
const ERROR_LOG_INTERVAL_MS = 5000;

/**
 * Logs a connection's errors (throttled) and its reconnects. Without an `error` listener ioredis
 * prints unstructured lines of its own.
 */
export function watchRedis(redis: RedisClient, logger: Logger, name: string): void {
  let lastLogged = 0;
  let down = false;
  redis.on('error', (err: Error) => {
    const now = Date.now();
    if (now - lastLogged >= ERROR_LOG_INTERVAL_MS) {
      lastLogged = now;
      logger.warn('redis connection error', { connection: name, error: err.message });
    }
    down = true;
  });
  redis.on('ready', () => {
    if (down) {
      logger.info('redis connection restored', { connection: name });
      down = false;
    }
  });
}
