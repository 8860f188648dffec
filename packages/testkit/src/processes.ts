import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { waitFor } from './wait-for';

const ROOT = path.resolve(__dirname, '..', '..', '..');

/** The built entry point of each process (tests run after `npm run build`). */
export const ENTRY_POINTS = {
  api: 'apps/api/dist/main.js',
  worker: 'apps/worker/dist/main.js',
  sandbox: 'apps/sandbox/dist/main.js',
} as const;

/** A running process of ours, with everything it printed. */
export interface RunningProcess {
  name: string;
  child: ChildProcess;
  stdout: string[];
  stderr: string[];
  /** Resolves with the exit code (or signal name) once the process has exited. */
  exited: Promise<number | string>;
  /** Waits until a stdout line satisfies `match`. */
  waitForLine(match: (line: string) => boolean, timeoutMs?: number): Promise<string>;
  /** Sends a signal and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<number | string>;
}

/**
 * Starts one of the built processes with exactly `env` (plus PATH), collecting its output line
 * by line. Nothing is inherited from the test's environment by accident.
 */
export function startProcess(
  name: keyof typeof ENTRY_POINTS,
  env: Record<string, string | undefined>,
): RunningProcess {
  const child = spawn(process.execPath, [path.join(ROOT, ENTRY_POINTS[name])], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  collectLines(child.stdout, stdout);
  collectLines(child.stderr, stderr);
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? -1));
  });
  return {
    name,
    child,
    stdout,
    stderr,
    exited,
    waitForLine: (match, timeoutMs = 20000) =>
      waitFor(() => stdout.find(match), {
        timeoutMs,
        description: `${name} to print a matching line (stderr: ${stderr.join(' | ').slice(0, 500)})`,
      }),
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill(signal);
      }
      return exited;
    },
  };
}

function collectLines(stream: NodeJS.ReadableStream | null, into: string[]): void {
  let buffer = '';
  stream?.setEncoding('utf8');
  stream?.on('data', (chunk: string) => {
    buffer += chunk;
    const lines = buffer.split('\n');
    buffer = lines.pop() ?? '';
    into.push(...lines.filter((l) => l.length > 0));
  });
}
