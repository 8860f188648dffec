import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { freePort } from './ports';
import { waitFor } from './wait-for';

/**
 * The server programs: `POSTGRES_BIN`, else the newest of Debian's `/usr/lib/postgresql/<n>/bin`
 * (15 here; CI installs whatever Debian ships).
 */
function serverPrograms(): string {
  if (process.env.POSTGRES_BIN) {
    return process.env.POSTGRES_BIN;
  }
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((name) => /^\d+$/.test(name))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  return path.join(root, versions[0] ?? '15', 'bin');
}

/** A private PostgreSQL server a test may stop and restart. */
export interface PrivatePostgres {
  port: number;
  /** The `postgres` database of the server, user `postgres`, no password (trust). */
  url: string;
  dir: string;
  /** Starts (or restarts, on the same port and data dir) the server and waits until it answers. */
  start(): Promise<void>;
  /** A fast shutdown (SIGINT: sessions ended, then exit), waiting for the exit. */
  stop(): Promise<void>;
  /** Stops the server and removes its data dir. */
  destroy(): Promise<void>;
}

/** The uid and gid of the `postgres` user when running as root (the server refuses root). */
function serverUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) {
    return undefined;
  }
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres']).toString().trim());
  return { uid: id('-u'), gid: id('-g') };
}

/**
 * Starts a PostgreSQL server of its own (initdb into a temp dir, a free port, trust auth, fsync
 * off) for tests that must stop the database without disturbing anything else. Needs the server
 * programs (see {@link serverPrograms}); as root they run as the `postgres` user.
 */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = serverPrograms();
  if (!existsSync(path.join(bin, 'postgres'))) {
    throw new Error(`no PostgreSQL server programs in ${bin} (set POSTGRES_BIN)`);
  }
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'wxd-postgres-'));
  const user = serverUser();
  if (user) {
    chownSync(dir, user.uid, user.gid);
  }
  execFileSync(
    path.join(bin, 'initdb'),
    ['-D', dir, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8'],
    { stdio: 'ignore', ...user },
  );
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let child: ChildProcess | undefined;
  const args = [
    '-D',
    dir,
    '-p',
    String(port),
    '-h',
    '127.0.0.1',
    '-k',
    dir,
    '-c',
    'fsync=off',
    '-c',
    'synchronous_commit=off',
  ];

  const handle: PrivatePostgres = {
    port,
    url,
    dir,
    async start() {
      child = spawn(path.join(bin, 'postgres'), args, { stdio: 'ignore', ...user });
      await waitFor(
        async () => {
          const probe = new Client({ connectionString: url, connectionTimeoutMillis: 1000 });
          probe.on('error', () => undefined);
          try {
            await probe.connect();
            await probe.query('SELECT 1');
            return true;
          } catch {
            return false;
          } finally {
            await probe.end().catch(() => undefined);
          }
        },
        { timeoutMs: 20000, description: `postgres on port ${port}` },
      );
    },
    async stop() {
      const running = child;
      if (!running || running.exitCode !== null || running.signalCode !== null) {
        return;
      }
      await new Promise<void>((resolve) => {
        running.once('exit', () => resolve());
        running.kill('SIGINT');
      });
    },
    async destroy() {
      await handle.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await handle.start();
  return handle;
}
