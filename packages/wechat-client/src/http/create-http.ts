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

/**
 * Builds the one transport of a WeChatClient: node:http(s) directly — a send spends a quarter
 * of the CPU it spent through axios — or, when the environment configures a proxy, axios, which
 * honours it. Both answer every status, read the body as text, follow no redirect and never put
 * the URL or body (secrets) in an error.
 */
export function createHttp(baseUrl: string, timeoutMs: number): HttpHandle {
  const http = proxyConfigured()
    ? createAxiosTransport(baseUrl, timeoutMs)
    : createNodeTransport(baseUrl);
  return { http, close: () => http.close() };
}
