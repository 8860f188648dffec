import { spawn } from 'node:child_process';

/**
 * `promtool check metrics` over a scrape (Debian's prometheus package; .ci/run installs it).
 * @returns its exit code and everything it printed (empty when clean)
 */
export function promtoolCheckMetrics(
  text: string,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('promtool', ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
    child.stdin.end(text);
  });
}
