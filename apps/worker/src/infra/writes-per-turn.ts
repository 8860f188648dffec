import type { Writable } from 'node:stream';
import type { RedisClient } from '@wechat-dispatch/shared';

/** Marks a socket whose writes are already batched, so a reconnect never wraps it twice. */
const BATCHED = Symbol('writesPerTurn');

/**
 * Makes every write to `socket` within one turn of the event loop leave in one `writev`: the
 * first write corks the socket and `setImmediate` uncorks it once the turn's I/O callbacks (and
 * their microtasks) have run. Order is kept; a write waits at most for the rest of its turn.
 * At concurrency 100 one turn carries many Redis replies and WeChat answers, each starting a
 * claim, a `sent` transition or a BullMQ job move; on this host a syscall on a loopback socket
 * costs tens of microseconds in the worker and again in Redis, which then also reads and
 * answers the batch at once. (`process.nextTick` would flush after every single callback:
 * measured, no gain.)
 */
export function batchWritesPerTurn(socket: Writable): void {
  const marked = socket as Writable & { [BATCHED]?: true };
  if (marked[BATCHED]) {
    return;
  }
  marked[BATCHED] = true;
  let corked = false;
  const uncork = () => {
    corked = false;
    socket.uncork();
  };
  const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
  socket.write = ((...args: unknown[]) => {
    if (!corked) {
      corked = true;
      socket.cork();
      setImmediate(uncork);
    }
    return write(...args);
  }) as Writable['write'];
}

/**
 * {@link batchWritesPerTurn} on a connection's socket, now and after every reconnect (ioredis
 * opens a new socket each time). A Cluster client, which has a socket per node, is left as is.
 */
export function batchRedisWritesPerTurn(client: RedisClient): void {
  if (client.isCluster) {
    return;
  }
  const wrap = () => {
    const socket = (client as { stream?: Writable }).stream;
    if (socket) {
      batchWritesPerTurn(socket);
    }
  };
  wrap();
  client.on('connect', wrap);
}
