import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import {
  ACCEPT,
  MAX_RESPONSE_BYTES,
  transportFailure,
  type HttpAnswer,
  type HttpCall,
  type HttpTransport,
} from './http-transport';
import { keepAliveAgent } from './keep-alive-agent';
import { withQuery } from './with-query';

/** The error code of a failed request, without the rest of the error (which names the host). */
function failureOf(err: unknown): Error {
  const code = (err as { code?: unknown } | undefined)?.code;
  return transportFailure(typeof code === 'string' ? code : 'ECONNRESET', 'request failed');
}

/**
 * The transport of a WeChatClient, on node:http(s) with its own keep-alive agent (through the
 * environment's proxy, if it names one as the transport is built: see {@link keepAliveAgent}).
 * - No redirects are followed (a redirect would replay `access_token` elsewhere): a 3xx comes
 *   back as an answer like any other status, for the caller to map.
 * - One timer bounds the whole call, so a server that trickles bytes cannot hold a job.
 * - The body is read as text (JSON.parse would corrupt 64-bit msgids); answers over
 *   {@link MAX_RESPONSE_BYTES} are refused.
 * - Errors carry only a code: the request's own (which names the host, and whose request holds
 *   the URL with `access_token`) never escapes.
 */
export function createNodeTransport(baseUrl: string): HttpTransport {
  const base = new URL(baseUrl);
  const agent = keepAliveAgent(base);
  const send = base.protocol === 'https:' ? httpsRequest : httpRequest;
  const hostname = base.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = base.port === '' ? undefined : Number(base.port);
  const pathPrefix = base.pathname.replace(/\/+$/, '');
  let closed = false;

  const call = ({ method, path, params, body, timeoutMs }: HttpCall): Promise<HttpAnswer> => {
    if (closed) {
      return Promise.reject(transportFailure('ERR_CLIENT_CLOSED', 'WeChat client closed'));
    }
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string | number> = { accept: ACCEPT };
    if (payload !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = Buffer.byteLength(payload);
    }
    return new Promise<HttpAnswer>((resolve, reject) => {
      let settled = false;
      const settle = (err: Error | undefined, answer?: HttpAnswer) => {
        if (settled) {
          return;
        }
        settled = true;
        clearTimeout(timer);
        if (err) {
          reject(err);
        } else {
          resolve(answer!);
        }
      };
      const onAnswer = (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_RESPONSE_BYTES) {
            req.destroy(transportFailure('ERR_RESPONSE_TOO_LARGE', 'answer too large'));
            return;
          }
          chunks.push(chunk);
        });
        res.on('end', () => {
          const text = (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)).toString('utf8');
          settle(undefined, { status: res.statusCode ?? 0, text });
        });
        res.on('error', (err) => settle(failureOf(err)));
        res.on('close', () => {
          if (!res.complete) {
            settle(transportFailure('ECONNRESET', 'answer cut short'));
          }
        });
      };
      const req = send(
        { agent, hostname, port, path: withQuery(`${pathPrefix}${path}`, params), method, headers },
        onAnswer,
      );
      const timer = setTimeout(
        () => req.destroy(transportFailure('ETIMEDOUT', `no answer within ${timeoutMs} ms`)),
        timeoutMs,
      );
      req.on('error', (err) => settle(failureOf(err)));
      req.end(payload);
    });
  };

  return {
    call,
    close() {
      closed = true;
      agent.destroy();
    },
  };
}
