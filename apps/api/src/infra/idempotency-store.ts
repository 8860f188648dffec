import { createHash, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import {
  bindScript,
  luaScript,
  type BoundScript,
  type Keyspace,
  type RedisClient,
} from '@wechat-dispatch/shared';
import type {
  ClaimResult,
  IdempotencyStore,
  IdempotentRequest,
  StoredResponse,
} from '../domain/idempotency';

/** How long a key is remembered (Stripe: 24 h). */
export const IDEMPOTENCY_TTL_MS = 24 * 3600 * 1000;

/** How long a claim holds before another request may take it over (its owner died). */
export const IDEMPOTENCY_LEASE_MS = 30_000;

const CLAIM = luaScript(join(__dirname, 'idempotency-claim.lua'));
const FINISH = luaScript(join(__dirname, 'idempotency-finish.lua'));

/** Options of {@link RedisIdempotencyStore}. */
export interface RedisIdempotencyStoreOptions {
  redis: RedisClient;
  keyspace: Keyspace;
  /** @defaultValue {@link IDEMPOTENCY_TTL_MS} */
  ttlMs?: number;
  /** @defaultValue {@link IDEMPOTENCY_LEASE_MS} */
  leaseMs?: number;
}

/**
 * Idempotency keys in Redis: one hash per caller and key, `{prefix}:idem:<caller>:<sha256(key)>`
 * (hashed so any key text is a safe Redis key, scoped by caller so two callers can never see
 * each other's keys or answers). Claim and finish are Lua scripts (idempotency-claim.lua,
 * idempotency-finish.lua), hence atomic.
 */
export class RedisIdempotencyStore implements IdempotencyStore {
  private readonly claimScript: BoundScript;
  private readonly finishScript: BoundScript;
  private readonly ttlMs: number;
  private readonly leaseMs: number;

  constructor(private readonly options: RedisIdempotencyStoreOptions) {
    const { redis } = options;
    this.ttlMs = options.ttlMs ?? IDEMPOTENCY_TTL_MS;
    this.leaseMs = options.leaseMs ?? IDEMPOTENCY_LEASE_MS;
    this.claimScript = bindScript(redis, CLAIM);
    this.finishScript = bindScript(redis, FINISH);
  }

  /** The Redis key of one caller's Idempotency-Key. */
  keyOf(request: Pick<IdempotentRequest, 'caller' | 'key'>): string {
    const digest = createHash('sha256').update(request.key).digest('hex');
    return this.options.keyspace.key('idem', request.caller, digest);
  }

  /** @inheritdoc */
  async claim(request: IdempotentRequest): Promise<ClaimResult> {
    const owner = randomUUID();
    const [kind, payload] = (await this.claimScript.run(
      [this.keyOf(request)],
      [
        request.fingerprint,
        JSON.stringify(request.ids),
        owner,
        Date.now(),
        this.leaseMs,
        this.ttlMs,
      ],
    )) as [string, string | undefined];
    switch (kind) {
      case 'claimed':
        return { kind, owner, ids: JSON.parse(payload ?? '[]') as string[] };
      case 'done':
        return { kind: 'replay', response: JSON.parse(payload ?? '{}') as StoredResponse };
      case 'mismatch':
        return { kind };
      default:
        return { kind: 'busy' };
    }
  }

  /** @inheritdoc */
  async complete(
    request: IdempotentRequest,
    owner: string,
    response: StoredResponse,
  ): Promise<void> {
    await this.finishScript.run([this.keyOf(request)], [owner, 'done', JSON.stringify(response)]);
  }

  /** @inheritdoc */
  async release(request: IdempotentRequest, owner: string): Promise<void> {
    await this.finishScript.run([this.keyOf(request)], [owner, 'failed', '']);
  }
}
