import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it, expect } from '@jest/globals';

// The process test runs the built entry point, as `npm run start:sandbox` does (npm test builds first).
const MAIN = join(__dirname, '..', 'dist', 'main.js');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(
  env: Record<string, string>,
  onStdout?: (text: string, kill: () => void) => void,
): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [MAIN], {
      env: { PATH: process.env.PATH ?? '', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
      onStdout?.(stdout, () => child.kill('SIGTERM'));
    });
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('sandbox process', () => {
  it('when built, then dist/main.js exists', () => {
    expect(existsSync(MAIN)).toBe(true);
  });

  it('when WECHAT_APPS is missing, then it exits 1 with one config error line on stderr', async () => {
    const result = await run({});

    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'config error: WECHAT_APPS: required, e.g. wx0123456789abcdef:secret\n',
    );
  });

  it('when started and sent SIGTERM, then it logs JSON lines without secrets, serves requests and exits 0', async () => {
    let url = '';
    let checked: Promise<number> | undefined;

    const result = await run(
      { WECHAT_APPS: 'wx0000000000000001:topsecret', SANDBOX_PORT: '0', SANDBOX_HOST: '127.0.0.1' },
      (text, kill) => {
        const match = /"url":"(http:[^"]+)"/.exec(text);
        if (match?.[1] && !checked) {
          url = match[1];
          checked = fetch(`${url}/healthz`).then((r) => {
            kill();
            return r.status;
          });
        }
      },
    );

    const lines = result.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { level: string; message: string });
    expect(await checked).toBe(200);
    expect(result.code).toBe(0);
    expect(lines.map((l) => l.message)).toEqual(['sandbox listening', 'sandbox stopping']);
    expect(result.stdout).not.toContain('topsecret');
  });
});
