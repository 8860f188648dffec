import { parseSandboxEnv, ConfigError } from './config';
import { createSandboxLogger } from './logger';
import { startSandbox } from './start-sandbox';

/** Process entry point: environment → sandbox → shutdown on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  let config;
  try {
    config = parseSandboxEnv(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const logger = createSandboxLogger(config.logLevel);
  const { apps, port, host, tokenTtlS, latencyMs, eventDelayMs, eventTargets, components } = config;
  const sandbox = await startSandbox({
    ...{ apps, port, host, tokenTtlS, latencyMs, eventDelayMs, eventTargets, components },
    logger,
  });
  logger.info('sandbox listening', {
    url: sandbox.url,
    port: sandbox.port,
    host,
    apps: apps.map((a) => a.appId),
    eventTargets: Object.keys(eventTargets),
    components: components.map((c) => c.componentAppId),
  });

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) {
      // A second signal means "now".
      process.exit(1);
    }
    stopping = true;
    logger.info('sandbox stopping', { signal });
    sandbox.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error('sandbox close failed', { err: String(err) });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`sandbox failed to start: ${String(err)}\n`);
  process.exit(1);
});
