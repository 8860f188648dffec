import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import axios, { type AxiosInstance } from 'axios';

/** Largest WeChat answer accepted; real ones are under 1 KiB. */
const MAX_RESPONSE_BYTES = 1024 * 1024;

/** An axios instance with its own keep-alive agents, so {@link HttpHandle.close} can free them. */
export interface HttpHandle {
  readonly http: AxiosInstance;
  close(): void;
}

/**
 * Builds the one axios instance of a WeChatClient. Nothing here touches axios' global defaults.
 * - The body is always read as text and parsed by us: WeChat sends JSON as `text/plain` at
 *   times, and JSON.parse would corrupt 64-bit msgids.
 * - Every status is accepted here and mapped by the caller, so no axios error (which carries
 *   the URL with `access_token`) is created for a 5xx.
 * - Redirects are refused: following one would replay `access_token` to another URL.
 */
export function createHttp(baseUrl: string, timeoutMs: number): HttpHandle {
  const httpAgent = new HttpAgent({ keepAlive: true, scheduling: 'lifo' });
  const httpsAgent = new HttpsAgent({ keepAlive: true, scheduling: 'lifo' });
  const http = axios.create({
    baseURL: baseUrl,
    timeout: timeoutMs,
    httpAgent,
    httpsAgent,
    responseType: 'text',
    responseEncoding: 'utf8',
    transformResponse: [(data: unknown) => data],
    validateStatus: () => true,
    maxRedirects: 0,
    maxContentLength: MAX_RESPONSE_BYTES,
    transitional: { clarifyTimeoutError: true },
    headers: { Accept: 'application/json, text/plain, */*' },
  });
  let closed = false;
  // A destroyed agent would quietly open new sockets; after close() every call fails instead,
  // as a connection error (transient: the job is retried by a process that is not stopping).
  http.interceptors.request.use((config) => {
    if (closed) {
      throw Object.assign(new Error('WeChat client closed'), { code: 'ERR_CLIENT_CLOSED' });
    }
    return config;
  });
  return {
    http,
    close() {
      closed = true;
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}
