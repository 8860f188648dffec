import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from './ports';
import { waitFor } from './wait-for';

/** A private redis-server a test may stop, kill and restart. */
export interface PrivateRedis {
  port: number;
  url: string;
  dir: string;
  /** Starts (or restarts, on the same port and data dir) the server and waits until it answers. */
  start(): Promise<void>;
  /** SIGTERM (or `signal`) and wait for exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Stops the server and removes its data dir. */
  destroy(): Promise<void>;
}

/** Options of {@link startPrivateRedis}. */
export interface PrivateRedisOptions {
  /** AOF on, as production should run. @defaultValue true */
  appendonly?: boolean;
  /** Extra `--flag value` arguments. */
  args?: string[];
}

/**
 * Starts a `redis-server` of its own on a free port with a temp data dir, for tests that must
 * stop or kill Redis without disturbing anything else. Needs the redis-server binary on PATH.
 */
export async function startPrivateRedis(options: PrivateRedisOptions = {}): Promise<PrivateRedis> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'wxd-redis-'));
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;

  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--save',
    '',
    '--appendonly',
    options.appendonly === false ? 'no' : 'yes',
    '--appendfsync',
    'everysec',
    '--maxmemory-policy',
    'noeviction',
    ...(options.args ?? []),
  ];

  const handle: PrivateRedis = {
    port,
    url,
    dir,
    async start() {
      child = spawn('redis-server', args, { stdio: 'ignore' });
      await waitFor(
        async () => {
          const probe = new Redis(url, {
            lazyConnect: true,
            maxRetriesPerRequest: 0,
            retryStrategy: () => null,
          });
          probe.on('error', () => undefined);
          try {
            await probe.connect();
            return (await probe.ping()) === 'PONG';
          } finally {
            probe.disconnect();
          }
        },
        { timeoutMs: 10000, description: `redis-server on port ${port}` },
      );
    },
    async stop(signal = 'SIGTERM') {
      const running = child;
      if (!running || running.exitCode !== null || running.signalCode !== null) {
        return;
      }
      await new Promise<void>((resolve) => {
        running.once('exit', () => resolve());
        running.kill(signal);
      });
    },
    async destroy() {
      await handle.stop('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await handle.start();
  return handle;
}
