import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/** What follows a message through the API, the queue and the worker. */
export interface TraceContext {
  traceId: string;
}

const storage = new AsyncLocalStorage<TraceContext>();

/** Runs `fn` with `traceId` attached to every log line written inside it. */
export function runWithTrace<T>(traceId: string, fn: () => T): T {
  return storage.run({ traceId }, fn);
}

/** The trace id of the current async context, if any. */
export function currentTraceId(): string | undefined {
  return storage.getStore()?.traceId;
}

/** A fresh trace id. */
export function newTraceId(): string {
  return randomUUID();
}

/** Accepts a caller-supplied id only if it is short and printable, so it cannot forge log lines. */
export function sanitizeTraceId(candidate: unknown): string | undefined {
  if (typeof candidate !== 'string') {
    return undefined;
  }
  return /^[A-Za-z0-9._:-]{1,128}$/.test(candidate) ? candidate : undefined;
}
