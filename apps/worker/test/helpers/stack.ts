import {
  startSandbox,
  type SandboxHandle,
  type StartSandboxOptions,
} from '@wechat-dispatch/sandbox';
import {
  TEST_REDIS_URL,
  freePort,
  startProcess,
  uniquePrefix,
  waitFor,
  type RunningProcess,
} from '@wechat-dispatch/testkit';

/** One test app and its secret. */
export interface TestApp {
  appId: string;
  appSecret: string;
}

/** Options of {@link startStack}. */
export interface StackOptions {
  apps: TestApp[];
  /** Apps the worker is configured with, when they differ (e.g. a wrong secret). */
  workerApps?: TestApp[];
  workers?: number;
  workerEnv?: Record<string, string>;
  sandbox?: Partial<StartSandboxOptions>;
  redisUrl?: string;
  /** Extra variables for both api and workers (e.g. REDIS_CLUSTER_NODES). */
  commonEnv?: Record<string, string>;
  /** Extra variables for the API processes. */
  apiEnv?: Record<string, string>;
  /** API replicas; requests go round-robin. @defaultValue 1 */
  apis?: number;
}

/** A running sandbox + API + worker pool on a private key prefix. */
export interface Stack {
  sandbox: SandboxHandle;
  api: RunningProcess;
  apis: RunningProcess[];
  workers: RunningProcess[];
  apiUrl: string;
  /** Every API replica's base URL. */
  apiUrls: string[];
  /** The next API replica's base URL, round-robin. */
  nextApiUrl(): string;
  prefix: string;
  workerEnv: Record<string, string>;
  /** Starts one more worker with the stack's environment. */
  addWorker(): Promise<RunningProcess>;
  post(body: Record<string, unknown>): Promise<Response>;
  postMany(bodies: Array<Record<string, unknown>>, concurrency?: number): Promise<string[]>;
  record(id: string): Promise<Record<string, unknown>>;
  /** Waits until every id has one of `statuses`, and returns the records. */
  waitForStatus(
    ids: string[],
    statuses: string[],
    timeoutMs?: number,
  ): Promise<Array<Record<string, unknown>>>;
  stop(): Promise<void>;
}

export const API_KEY = 'worker-test-key-0001';

/** A template message body to `toUser`. */
export function templateBody(toUser: string, appId?: string): Record<string, unknown> {
  return {
    type: 'template',
    appId,
    toUser,
    templateId: 'TPL_TEST',
    data: { thing1: { value: '测试消息' }, time2: '2026-11-26 10:00' },
  };
}

/** Starts the sandbox in-process and the API and workers as real processes. */
export async function startStack(options: StackOptions): Promise<Stack> {
  const sandbox = await startSandbox({ apps: options.apps, ...options.sandbox });
  const ports = await Promise.all(Array.from({ length: options.apis ?? 1 }, () => freePort()));
  const apiUrls = ports.map((p) => `http://127.0.0.1:${p}`);
  const apiUrl = apiUrls[0]!;
  const prefix = uniquePrefix('w');
  const appsEnv = (apps: TestApp[]) => apps.map((a) => `${a.appId}:${a.appSecret}`).join(',');
  const common = {
    REDIS_URL: options.redisUrl ?? TEST_REDIS_URL,
    QUEUE_PREFIX: prefix,
    LOG_LEVEL: 'info',
    ...options.commonEnv,
  };
  const apis = ports.map((port) =>
    startProcess('api', {
      ...common,
      WECHAT_APPS: appsEnv(options.apps),
      PORT: String(port),
      API_KEYS: `tests:${API_KEY}`,
      // The Open Platform's component calls (#21); other tests never reach WeChat from the API.
      WECHAT_API_BASE: sandbox.url,
      ...options.apiEnv,
    }),
  );
  const api = apis[0]!;
  let turn = 0;
  const nextApiUrl = () => apiUrls[turn++ % apiUrls.length]!;
  const workerEnv: Record<string, string> = {
    ...common,
    WECHAT_APPS: appsEnv(options.workerApps ?? options.apps),
    WECHAT_API_BASE: sandbox.url,
    WORKER_HTTP_PORT: '0',
    ...options.workerEnv,
  };
  const workers: RunningProcess[] = [];
  const addWorker = async () => {
    const worker = startProcess('worker', workerEnv);
    workers.push(worker);
    await worker.waitForLine((l) => l.includes('worker started'));
    return worker;
  };
  await Promise.all(apis.map((a) => a.waitForLine((l) => l.includes('api listening'))));
  await Promise.all(Array.from({ length: options.workers ?? 1 }, () => addWorker()));

  const headers = { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' };
  const post = (body: Record<string, unknown>) =>
    fetch(`${apiUrl}/v1/messages`, { method: 'POST', headers, body: JSON.stringify(body) });
  const record = async (id: string) =>
    (await (await fetch(`${apiUrl}/v1/messages/${id}`, { headers })).json()) as Record<
      string,
      unknown
    >;

  return {
    sandbox,
    api,
    apis,
    workers,
    apiUrl,
    apiUrls,
    nextApiUrl,
    prefix,
    workerEnv,
    addWorker,
    post,
    record,
    async postMany(bodies, concurrency = 50) {
      const ids: string[] = new Array<string>(bodies.length);
      let next = 0;
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < bodies.length) {
            const i = next++;
            const res = await post(bodies[i]!);
            if (res.status !== 202) {
              throw new Error(`POST answered ${res.status}: ${await res.text()}`);
            }
            ids[i] = ((await res.json()) as { id: string }).id;
          }
        }),
      );
      return ids;
    },
    async waitForStatus(ids, statuses, timeoutMs = 60000) {
      const done = new Map<string, Record<string, unknown>>();
      await waitFor(
        async () => {
          const pending = ids.filter((id) => !done.has(id));
          for (let i = 0; i < pending.length; i += 50) {
            const batch = pending.slice(i, i + 50);
            const records = await Promise.all(batch.map((id) => record(id)));
            records.forEach((r, j) => {
              if (statuses.includes(r.status as string)) {
                done.set(batch[j]!, r);
              }
            });
          }
          return done.size === ids.length;
        },
        {
          timeoutMs,
          intervalMs: 200,
          description: `${ids.length} messages to reach ${statuses.join('/')}`,
        },
      );
      return ids.map((id) => done.get(id)!);
    },
    async stop() {
      await Promise.all([...apis.map((a) => a.stop()), ...workers.map((w) => w.stop())]);
      await sandbox.close();
    },
  };
}
