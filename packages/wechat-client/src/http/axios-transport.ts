import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import axios from 'axios';
import { CallDeadline } from './call-deadline';
import {
  ACCEPT,
  MAX_RESPONSE_BYTES,
  transportFailure,
  type HttpCall,
  type HttpTransport,
} from './http-transport';

/** The TCP keep-alive delay axios' http adapter gives every request's socket. */
const AXIOS_SOCKET_KEEPALIVE_MS = 60_000;

/**
 * `path?name=value&…`, every part percent-encoded. Built here rather than by axios' `params`,
 * whose serializer (AxiosURLSearchParams, a regex pass per value) ran on every send for the one
 * `access_token`.
 */
export function withQuery(path: string, params: Record<string, string> | undefined): string {
  if (params === undefined) {
    return path;
  }
  let url = path;
  let separator = '?';
  for (const name of Object.keys(params)) {
    url += `${separator}${encodeURIComponent(name)}=${encodeURIComponent(params[name]!)}`;
    separator = '&';
  }
  return url;
}

/**
 * The transport over axios: the default, and always the one when a proxy is configured through
 * the environment (`HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`, which axios honours). Nothing here
 * touches axios' global defaults.
 * - The body is always read as text and parsed by the caller: JSON.parse would corrupt 64-bit
 *   msgids.
 * - Every status is accepted and mapped by the caller, so no axios error (which carries the URL
 *   with `access_token`) is created for a 5xx.
 * - Redirects are refused: following one would replay `access_token` to another URL.
 * - Without `envProxy` (no proxy variable set when the client was built) axios is told so
 *   (`proxy: false`): it would otherwise read `*_proxy`/`NO_PROXY` from the environment on
 *   every call, ≈ 3 µs of a send's CPU.
 */
export function createAxiosTransport(
  baseUrl: string,
  timeoutMs: number,
  envProxy: boolean,
): HttpTransport {
  // axios sets TCP keep-alive to 60 s on every request's socket and the agent resets it to its
  // keepAliveMsecs whenever the socket goes back to the pool; with the same value on both,
  // Node skips the setsockopt calls, two syscalls per request otherwise.
  const agentOptions = { keepAlive: true, keepAliveMsecs: AXIOS_SOCKET_KEEPALIVE_MS } as const;
  const httpAgent = new HttpAgent({ ...agentOptions, scheduling: 'lifo' });
  const httpsAgent = new HttpsAgent({ ...agentOptions, scheduling: 'lifo' });
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
    ...(envProxy ? {} : { proxy: false as const }),
  });
  // Set here, not through create(): axios merges an instance's default headers into every
  // call's config, a deep copy of one object per HTTP method (thirteen) though only `Accept` is
  // ours: 8.1 → 5.7 µs per merge.
  http.defaults.headers = { Accept: ACCEPT } as unknown as typeof http.defaults.headers;
  let closed = false;
  return {
    async call({ method, path, params, body, timeoutMs: callTimeoutMs }: HttpCall) {
      // A destroyed agent would quietly open new sockets; after close() every call fails.
      if (closed) {
        throw transportFailure('ERR_CLIENT_CLOSED', 'WeChat client closed');
      }
      // axios' own timeout is a socket-inactivity timer; this one bounds the whole call. A
      // timer cleared on the answer, not AbortSignal.timeout(): that one's timer lives on for
      // the whole timeout after every call, thousands of them at once under load.
      const deadline = new CallDeadline(callTimeoutMs);
      try {
        const res = await http.request<unknown>({
          method,
          url: withQuery(path, params),
          data: body,
          signal: deadline,
        });
        return { status: res.status, text: typeof res.data === 'string' ? res.data : '' };
      } catch (e: unknown) {
        // A fresh error from the code alone: axios' error holds the URL with access_token,
        // the request config and the body with the secret, and must not survive.
        const code = (e as { code?: unknown } | undefined)?.code;
        throw transportFailure(
          deadline.aborted ? 'ETIMEDOUT' : typeof code === 'string' ? code : 'ECONNRESET',
          'request failed',
        );
      } finally {
        deadline.clear();
      }
    },
    close() {
      closed = true;
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}
