import type { IncomingMessage } from 'node:http';

/** What an address may look like in a key: IPv4, IPv6 (with a zone), nothing else. */
const ADDRESS = /^[0-9A-Za-z:.%_-]{1,64}$/;

/**
 * The client's address as Express's `req.ip` gives it with `trust proxy` set to `hops`: the
 * socket's peer, or, behind `hops` trusted proxies, the entry of `X-Forwarded-For` that the
 * farthest trusted proxy added (entries further left are the client's to forge). Anything that
 * is no address is `unknown`.
 */
export function clientAddress(req: IncomingMessage, hops: number): string {
  const forwarded = req.headers['x-forwarded-for'];
  const chain = [
    req.socket.remoteAddress ?? '',
    ...(typeof forwarded === 'string'
      ? forwarded
          .split(',')
          .map((part) => part.trim())
          .reverse()
      : []),
  ];
  const address = chain[Math.min(hops, chain.length - 1)] ?? '';
  return ADDRESS.test(address) ? address : 'unknown';
}
