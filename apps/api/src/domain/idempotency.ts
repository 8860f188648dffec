import { ConflictError, ERROR_CODES } from '@wechat-dispatch/shared';

/** The stored answer of a request that went through, replayed to its repeats. */
export type StoredResponse = Record<string, unknown>;

/** Who asked, under which key, for what (the fingerprint), and the ids this attempt would use. */
export interface IdempotentRequest {
  caller: string;
  key: string;
  fingerprint: string;
  ids: readonly string[];
}

/** What a claim on an Idempotency-Key found. */
export type ClaimResult =
  /** This request owns the key now; it must use `ids` (a retry gets the first attempt's ids). */
  | { kind: 'claimed'; ids: string[]; owner: string }
  /** An earlier request with the same body went through: answer with its response. */
  | { kind: 'replay'; response: StoredResponse }
  /** The key was used with another body. */
  | { kind: 'mismatch' }
  /** A request with the same key and body is in flight elsewhere. */
  | { kind: 'busy' };

/** Where keys are claimed; the Redis implementation is one Lua script per step. */
export interface IdempotencyStore {
  /** Claims the key, or reports who has it. */
  claim(request: IdempotentRequest): Promise<ClaimResult>;
  /** Stores the response of the owner's request; repeats are answered with it. */
  complete(request: IdempotentRequest, owner: string, response: StoredResponse): Promise<void>;
  /** Gives the key up after a failure, keeping its ids, so a retry reuses them. */
  release(request: IdempotentRequest, owner: string): Promise<void>;
}

/** Options of {@link IdempotencyGuard}. */
export interface IdempotencyGuardOptions {
  store: IdempotencyStore;
  /** How long a repeat waits for the request in flight before answering 409. @defaultValue 10000 */
  waitMs?: number;
  /** How often a waiting repeat looks again. @defaultValue 25 */
  pollMs?: number;
}

/** How an idempotent request ended. */
export interface IdempotentOutcome<R extends StoredResponse> {
  response: R;
  /** True when this is a repeat answered from the stored response. */
  replayed: boolean;
}

/**
 * Stripe's Idempotency-Key semantics over an atomic claim: the first request with a key runs,
 * its repeats (same key, same body) get its response without running, a different body is a
 * 409. Repeats that arrive while the first one runs wait for it. A request that fails releases
 * the key so a retry can run — with the same ids, so nothing it did get into Redis is doubled.
 */
export class IdempotencyGuard {
  private readonly waitMs: number;
  private readonly pollMs: number;

  constructor(private readonly options: IdempotencyGuardOptions) {
    this.waitMs = options.waitMs ?? 10000;
    this.pollMs = options.pollMs ?? 25;
  }

  /**
   * Runs `work` once per key and body.
   * @throws ConflictError `idempotency_key_reused` when the key was used with another body
   * @throws ConflictError `conflict` when the first request is still running after `waitMs`
   * @throws whatever `work` or the store throws (the key is released first)
   */
  async run<R extends StoredResponse>(
    request: IdempotentRequest,
    work: (ids: string[]) => Promise<R>,
  ): Promise<IdempotentOutcome<R>> {
    const deadline = Date.now() + this.waitMs;
    for (;;) {
      const claim = await this.options.store.claim(request);
      switch (claim.kind) {
        case 'replay':
          return { response: claim.response as R, replayed: true };
        case 'mismatch':
          throw new ConflictError(
            'This Idempotency-Key was already used with a different request body',
            ERROR_CODES.IDEMPOTENCY_KEY_REUSED,
          );
        case 'claimed':
          return { response: await this.runClaimed(request, claim, work), replayed: false };
        case 'busy':
          if (Date.now() >= deadline) {
            throw new ConflictError(
              'A request with this Idempotency-Key is still being processed; retry shortly',
            );
          }
          await new Promise((resolve) => setTimeout(resolve, this.pollMs));
      }
    }
  }

  private async runClaimed<R extends StoredResponse>(
    request: IdempotentRequest,
    claim: Extract<ClaimResult, { kind: 'claimed' }>,
    work: (ids: string[]) => Promise<R>,
  ): Promise<R> {
    let response: R;
    try {
      response = await work(claim.ids);
    } catch (err) {
      // Best effort: if Redis is gone the lease runs out instead, with the same effect.
      await this.options.store.release(request, claim.owner).catch(() => undefined);
      throw err;
    }
    // The work is durably done; a failed completion only means a repeat runs it again on the
    // same ids, which the enqueue tolerates, so the answer stays a success.
    await this.options.store.complete(request, claim.owner, response).catch(() => undefined);
    return response;
  }
}
