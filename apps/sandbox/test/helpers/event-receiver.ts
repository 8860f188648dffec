import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';

/** One request the receiver got. */
export interface Received {
  query: URLSearchParams;
  contentType: string | undefined;
  body: string;
}

/** A developer server stand-in that records pushes and answers with a scripted status. */
export interface EventReceiver {
  url: string;
  received: Received[];
  /** HTTP status of the next answers. @defaultValue 200 */
  status: number;
  close(): Promise<void>;
}

/** Starts a receiver on a free port; it answers `success` as WeChat expects. */
export async function startEventReceiver(): Promise<EventReceiver> {
  const receiver: Partial<EventReceiver> & { received: Received[]; status: number } = {
    received: [],
    status: 200,
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      receiver.received.push({
        query: new URL(req.url ?? '/', 'http://x').searchParams,
        contentType: req.headers['content-type'],
        body: Buffer.concat(chunks).toString('utf8'),
      });
      res.statusCode = receiver.status;
      res.end('success');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  receiver.url = `http://127.0.0.1:${port}/wechat/callback`;
  receiver.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return receiver as EventReceiver;
}

/** The text of one XML element (CDATA or bare). */
export function xmlField(xml: string, name: string): string | undefined {
  const m = new RegExp(`<${name}>(?:<!\\[CDATA\\[([\\s\\S]*?)\\]\\]>|([^<]*))</${name}>`).exec(xml);
  return m ? (m[1] ?? m[2]) : undefined;
}
