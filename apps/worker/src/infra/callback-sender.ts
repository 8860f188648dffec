import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { SsrfBlockedError, callbackPortOf, type SsrfGuard } from '@wechat-dispatch/shared';

/** Options of {@link CallbackSender}. */
export interface CallbackSenderOptions {
  ssrf: SsrfGuard;
  /** Whole-request timeout. */
  timeoutMs: number;
  /** Most response bytes read; the rest is dropped. @defaultValue 65536 */
  maxResponseBytes?: number;
}

/** What a receiver answered. */
export interface CallbackAnswer {
  status: number;
}

/** One caller's keep-alive agents: a socket opened under one caller's rules serves no other. */
interface CallerAgents {
  http: http.Agent;
  https: https.Agent;
}

/**
 * POSTs callbacks with the SSRF rules applied at connect time: each request's `lookup` refuses
 * addresses blocked for its caller and port, so the socket goes to the address that was
 * checked; literal-IP hosts (which skip lookup) are checked first. Redirects are never followed
 * (a 3xx is a failure), responses are capped, and each request has one deadline for
 * connecting, the headers and the body together.
 */
export class CallbackSender {
  private readonly agents = new Map<string, CallerAgents>();
  private readonly maxResponseBytes: number;

  constructor(private readonly options: CallbackSenderOptions) {
    this.maxResponseBytes = options.maxResponseBytes ?? 65536;
  }

  private agentsOf(caller: string): CallerAgents {
    let agents = this.agents.get(caller);
    if (!agents) {
      agents = {
        http: new http.Agent({ keepAlive: true }),
        https: new https.Agent({ keepAlive: true }),
      };
      this.agents.set(caller, agents);
    }
    return agents;
  }

  /**
   * Sends one callback of `caller` (whose `CALLBACK_ALLOWLIST` entries apply).
   * @throws SsrfBlockedError when the URL is not allowed (never worth retrying)
   * @throws Error on a network failure or timeout
   */
  async post(
    rawUrl: string,
    body: string,
    headers: Record<string, string>,
    caller: string,
  ): Promise<CallbackAnswer> {
    const url = new URL(rawUrl);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    // A literal IP skips the agent's lookup, and http is allowed only for listed hosts: both are
    // checked here; an https host name is checked by the lookup as the socket connects.
    if (isIP(host) !== 0 || url.protocol !== 'https:') {
      await this.options.ssrf.checkUrl(rawUrl, caller);
    }
    const client = url.protocol === 'https:' ? https : http;
    const agents = this.agentsOf(caller);
    const lookup = this.options.ssrf.lookupFor({ caller, port: callbackPortOf(rawUrl) });
    const { timeoutMs } = this.options;
    return new Promise<CallbackAnswer>((resolve, reject) => {
      let settled = false;
      const settle = (outcome: () => void) => {
        if (!settled) {
          settled = true;
          clearTimeout(deadline);
          outcome();
        }
      };
      // One deadline for the whole request (connect, headers and body): a receiver trickling
      // bytes keeps a socket busy but never past it.
      const deadline = setTimeout(() => {
        const err = new Error(`callback timed out after ${timeoutMs} ms`);
        settle(() => reject(err));
        req.destroy(err);
      }, timeoutMs);
      const req = client.request(
        url,
        {
          method: 'POST',
          agent: url.protocol === 'https:' ? agents.https : agents.http,
          lookup,
          headers: {
            ...headers,
            'content-type': 'application/json',
            'content-length': String(Buffer.byteLength(body)),
          },
        },
        (res) => {
          let read = 0;
          res.on('data', (chunk: Buffer) => {
            read += chunk.length;
            if (read > this.maxResponseBytes) {
              res.destroy();
            }
          });
          const answered = () => settle(() => resolve({ status: res.statusCode ?? 0 }));
          res.on('close', answered);
          res.on('error', answered);
        },
      );
      req.on('error', (err) =>
        settle(() => reject(err instanceof SsrfBlockedError ? err : unwrapSsrf(err))),
      );
      req.end(body);
    });
  }

  /** Closes idle keep-alive sockets. */
  close(): void {
    for (const agents of this.agents.values()) {
      agents.http.destroy();
      agents.https.destroy();
    }
  }
}

/** A lookup failure arrives wrapped by net; surface the SSRF refusal as itself. */
function unwrapSsrf(err: Error): Error {
  return err.name === 'SsrfBlockedError' ? new SsrfBlockedError(err.message) : err;
}
