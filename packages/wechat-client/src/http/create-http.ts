import { createAxiosTransport } from './axios-transport';
import type { HttpTransport } from './http-transport';
import { createNodeTransport } from './node-transport';

/** The transport of a WeChatClient, so {@link HttpHandle.close} can free its sockets. */
export interface HttpHandle {
  readonly http: HttpTransport;
  close(): void;
}

/** Environment variables through which axios (and so this client, before) took a proxy. */
const PROXY_VARS = ['https_proxy', 'http_proxy', 'all_proxy'];

/** Whether the environment names a proxy for outgoing calls. */
export function proxyConfigured(env: NodeJS.ProcessEnv = process.env): boolean {
  return PROXY_VARS.some((name) => Boolean(env[name] || env[name.toUpperCase()]));
}

/** Which HTTP library carries WeChat calls. */
export type HttpClientKind = 'axios' | 'node';

/**
 * Builds the one transport of a WeChatClient: axios by default (the project's HTTP client), or,
 * on request, node:http(s) directly — a send then spends about a third less worker CPU (measured
 * in docs/benchmarks.md). A proxy configured through the environment always means axios, which
 * honours it. Both answer every status, read the body as text, follow no redirect and never put
 * the URL or body (secrets) in an error.
 */
export function createHttp(
  baseUrl: string,
  timeoutMs: number,
  kind: HttpClientKind = 'axios',
): HttpHandle {
  const envProxy = proxyConfigured();
  const http =
    kind === 'node' && !envProxy
      ? createNodeTransport(baseUrl)
      : createAxiosTransport(baseUrl, timeoutMs, envProxy);
  return { http, close: () => http.close() };
}
