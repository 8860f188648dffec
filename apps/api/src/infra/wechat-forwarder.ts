import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/** One call forwarded to WeChat: method, path and query as the caller sent them, its body. */
export interface ForwardCall {
  method: string;
  /** The path under WeChat's base URL (`/cgi-bin/user/info`). */
  path: string;
  /** The caller's query without its `access_token`. */
  query: URLSearchParams;
  /** The real access token, added as `access_token`. */
  accessToken: string;
  /** The caller's `content-type`, when it sent a body. */
  contentType?: string;
  body?: Buffer;
  timeoutMs: number;
}

/** WeChat's answer, whole: status, the headers worth passing on, the body bytes. */
export interface ForwardAnswer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** Headers of WeChat's answer passed to the caller (media downloads name their file). */
const PASSED_HEADERS = ['content-type', 'content-disposition', 'cache-control', 'content-encoding'];

/** Largest answer taken from WeChat (media downloads included). */
export const MAX_FORWARD_ANSWER_BYTES = 20 * 1024 * 1024;

/** A failure reaching WeChat, by code only (the request names the token; it never escapes). */
export class ForwardFailure extends Error {
  constructor(readonly code: string) {
    super(`WeChat did not answer (${code})`);
  }
}

function passedHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const passed: Record<string, string> = {};
  for (const name of PASSED_HEADERS) {
    const value = headers[name];
    if (typeof value === 'string') {
      passed[name] = value;
    }
  }
  return passed;
}

/**
 * Forwards calls to WeChat over node:http(s) with a keep-alive agent of its own: the whole
 * call bounded by one timer, no redirects followed (they would replay the token elsewhere),
 * answers kept whole up to {@link MAX_FORWARD_ANSWER_BYTES}.
 */
export function createWeChatForwarder(baseUrl: string): {
  forward(call: ForwardCall): Promise<ForwardAnswer>;
  close(): void;
} {
  const base = new URL(baseUrl);
  const https = base.protocol === 'https:';
  const agent = https
    ? new HttpsAgent({ keepAlive: true, maxSockets: 64 })
    : new HttpAgent({ keepAlive: true, maxSockets: 64 });
  const send = https ? httpsRequest : httpRequest;
  const prefix = base.pathname.replace(/\/+$/, '');

  const forward = (call: ForwardCall): Promise<ForwardAnswer> =>
    new Promise((resolve, reject) => {
      const query = new URLSearchParams(call.query);
      query.set('access_token', call.accessToken);
      const headers: Record<string, string | number> = { accept: '*/*' };
      if (call.body !== undefined && call.body.length > 0) {
        headers['content-type'] = call.contentType ?? 'application/json';
        headers['content-length'] = call.body.length;
      }
      let settled = false;
      const fail = (code: string) => {
        if (!settled) {
          settled = true;
          clearTimeout(timer);
          req.destroy();
          reject(new ForwardFailure(code));
        }
      };
      const req = send(
        {
          protocol: base.protocol,
          hostname: base.hostname.replace(/^\[(.*)\]$/, '$1'),
          port: base.port === '' ? undefined : Number(base.port),
          method: call.method,
          path: `${prefix}${call.path}?${query.toString()}`,
          headers,
          agent,
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_FORWARD_ANSWER_BYTES) {
              fail('ERR_RESPONSE_TOO_LARGE');
              return;
            }
            chunks.push(chunk);
          });
          res.on('end', () => {
            if (!settled) {
              settled = true;
              clearTimeout(timer);
              resolve({
                status: res.statusCode ?? 502,
                headers: passedHeaders(res.headers),
                body: Buffer.concat(chunks),
              });
            }
          });
          res.on('error', (err: NodeJS.ErrnoException) => fail(err.code ?? 'ECONNRESET'));
        },
      );
      const timer = setTimeout(() => fail('ETIMEDOUT'), call.timeoutMs);
      req.on('error', (err: NodeJS.ErrnoException) => fail(err.code ?? 'ECONNRESET'));
      req.end(call.body && call.body.length > 0 ? call.body : undefined);
    });

  return { forward, close: () => agent.destroy() };
}
