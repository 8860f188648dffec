import type { Logger } from '../logger/create-logger';

/** One step of a shutdown, run in order. */
export interface ShutdownStep {
  name: string;
  run: () => Promise<void> | void;
}

/** Options of {@link registerShutdown}. */
export interface ShutdownOptions {
  logger: Logger;
  steps: ShutdownStep[];
  /** After this long the process exits 1 whatever is still running. @defaultValue 30000 */
  timeoutMs?: number;
  /** Exit the process when done (tests pass false). @defaultValue true */
  exit?: boolean;
}

/**
 * Wires SIGTERM and SIGINT to an idempotent, bounded shutdown: steps run in order, then the
 * process exits 0; a step that throws is logged and the rest still run; the timeout or a second
 * signal exits 1 at once. Returns the function that starts the shutdown, for tests and for
 * fatal errors.
 */
export function registerShutdown(options: ShutdownOptions): (reason: string) => Promise<void> {
  const { logger, steps, timeoutMs = 30000, exit = true } = options;
  let running: Promise<void> | undefined;

  const shutdown = (reason: string): Promise<void> => {
    if (running) {
      return running;
    }
    logger.info('shutting down', { reason, timeoutMs });
    const timer = setTimeout(() => {
      logger.error('shutdown timed out; exiting', { timeoutMs });
      process.exit(1);
    }, timeoutMs);
    timer.unref();
    running = (async () => {
      let failed = false;
      for (const step of steps) {
        try {
          await step.run();
        } catch (err) {
          failed = true;
          logger.error('shutdown step failed', { step: step.name, err });
        }
      }
      clearTimeout(timer);
      logger.info('shutdown complete');
      if (exit) {
        process.exit(failed ? 1 : 0);
      }
    })();
    return running;
  };

  const onSignal = (signal: NodeJS.Signals) => {
    if (running) {
      logger.warn('second signal; forcing exit', { signal });
      process.exit(1);
    }
    void shutdown(signal);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  return shutdown;
}
