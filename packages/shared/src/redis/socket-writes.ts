import type { Writable } from 'node:stream';
import type { RedisClient } from './create-redis';

/**
 * Two ways to make a Redis connection's commands leave in fewer socket writes: on this host a
 * syscall on a loopback socket costs tens of microseconds, in the client and again in Redis.
 */

/** The connection's one socket; a Cluster client (a socket per node) has none here. */
function socketOf(client: object): Writable | undefined {
  return (client as { stream?: Writable }).stream;
}

/**
 * Runs `send` with the connection's socket corked, so every command it issues synchronously
 * leaves in one write (one syscall, one packet) instead of one each — what a pipeline does,
 * without building one. A Cluster client or one not yet connected just runs `send`.
 */
export function inOneWrite<T>(client: object, send: () => T): T {
  const socket = socketOf(client);
  if (!socket?.writable) {
    return send();
  }
  socket.cork();
  try {
    return send();
  } finally {
    socket.uncork();
  }
}

/** Marks a socket whose writes are already batched, so a reconnect never wraps it twice. */
const BATCHED = Symbol('writesPerTurn');

/**
 * Makes every write to `socket` within one turn of the event loop leave in one `writev`: the
 * first write corks the socket and `setImmediate` uncorks it once the turn's I/O callbacks (and
 * their microtasks) have run. Order is kept; a write waits at most for the rest of its turn.
 * At concurrency 100 one turn of the worker carries many Redis replies and WeChat answers, each
 * starting a claim, a `sent` transition or a BullMQ job move, and Redis then also reads and
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
 * opens a new socket each time). A Cluster client is left as is.
 */
export function batchRedisWritesPerTurn(client: RedisClient): void {
  if (client.isCluster) {
    return;
  }
  const wrap = () => {
    const socket = socketOf(client);
    if (socket) {
      batchWritesPerTurn(socket);
    }
  };
  wrap();
  client.on('connect', wrap);
}
