import { createHash } from 'node:crypto';

/** How a signed tuple's use went: its first use, a repeat of the same push, or a replay. */
export type PushTupleClaim = 'first' | 'same_body' | 'other_body';

/** Where the signed (signature, timestamp, nonce) tuples of plain-mode pushes are remembered. */
export interface PushTuples {
  /** Marks the tuple used for a body, for `ttlSeconds`; says whether it was used before. */
  claim(
    appId: string,
    tuple: readonly string[],
    bodyDigest: string,
    ttlSeconds: number,
  ): Promise<PushTupleClaim>;
  /** Forgets the tuple (the push was not queued, so WeChat's retry must get in). */
  release(appId: string, tuple: readonly string[]): Promise<void>;
}

/** The digest a tuple is bound to: the push body exactly as received. */
export function pushBodyDigest(body: string): string {
  return createHash('sha256').update(body).digest('hex');
}

/**
 * How long a tuple must be remembered: a timestamp is accepted up to `maxAgeSeconds` on
 * either side of now, so one tuple can be presented across twice that span.
 */
export function tupleTtlSeconds(maxAgeSeconds: number): number {
  return 2 * maxAgeSeconds;
}
