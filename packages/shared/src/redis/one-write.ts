import type { Writable } from 'node:stream';

/**
 * Runs `send` with the connection's socket corked, so every command it issues synchronously
 * leaves in one write (one syscall, one packet) instead of one each — what a pipeline does,
 * without building one. A Cluster client (no single socket) or one not yet connected just runs
 * `send`.
 */
export function inOneWrite<T>(client: object, send: () => T): T {
  const socket = (client as { stream?: Writable }).stream;
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
