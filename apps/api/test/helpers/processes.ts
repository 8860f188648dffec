import { freePort, startProcess, type RunningProcess } from '@wechat-dispatch/testkit';

/** A built api process and its base URL. */
export interface ApiProcess {
  process: RunningProcess;
  url: string;
}

/** Starts the built api (`npx tsc -b` first) with `env` and waits until it listens. */
export async function startApiProcess(env: Record<string, string>): Promise<ApiProcess> {
  const port = await freePort();
  const process = startProcess('api', { LOG_LEVEL: 'info', ...env, PORT: String(port) });
  await process.waitForLine((line) => line.includes('api listening'));
  return { process, url: `http://127.0.0.1:${port}` };
}

/** Starts the built worker with `env` and waits until it runs. */
export async function startWorkerProcess(env: Record<string, string>): Promise<RunningProcess> {
  const worker = startProcess('worker', { LOG_LEVEL: 'info', WORKER_HTTP_PORT: '0', ...env });
  await worker.waitForLine((line) => line.includes('worker started'));
  return worker;
}

/** `fetch` with a JSON body and headers; resolves with status, headers and parsed body. */
export async function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; body: unknown; ms: number }> {
  const started = performance.now();
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  const ms = performance.now() - started;
  return {
    status: res.status,
    headers: res.headers,
    body: text ? (JSON.parse(text) as unknown) : undefined,
    ms,
  };
}
