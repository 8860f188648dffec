import { randomUUID } from 'node:crypto';

/*
 * The trace id that follows a message through the API, the queue and the worker is passed
 * explicitly (request locals, the job data, a child logger), never through AsyncLocalStorage:
 * on Node 20 that runs async hooks for every promise of the process (docs/benchmarks.md).
 */

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
