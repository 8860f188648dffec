import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { HttpProxyAgent, HttpsProxyAgent } from 'hpagent';
import { getProxyForUrl } from 'proxy-from-env';

/** Keep-alive, and LIFO so the sockets a quiet period leaves idle age out. */
const AGENT_OPTIONS = { keepAlive: true, scheduling: 'lifo' } as const;

/**
 * The keep-alive agent for calls to `base`: straight to it, or through the proxy that
 * `HTTPS_PROXY`/`HTTP_PROXY`/`ALL_PROXY` name for it unless `NO_PROXY` exempts it (read now, by
 * proxy-from-env, so a variable set later changes nothing). A proxy is reached with CONNECT
 * (hpagent) and its tunnels are kept alive like direct sockets.
 */
export function keepAliveAgent(base: URL): HttpAgent {
  const secure = base.protocol === 'https:';
  const proxy = getProxyForUrl(base.href);
  if (proxy === '') {
    return secure ? new HttpsAgent(AGENT_OPTIONS) : new HttpAgent(AGENT_OPTIONS);
  }
  return secure
    ? new HttpsProxyAgent({ ...AGENT_OPTIONS, proxy })
    : new HttpProxyAgent({ ...AGENT_OPTIONS, proxy });
}
