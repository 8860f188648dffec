import { join } from 'node:path';
import {
  bindScript,
  luaScript,
  type BoundScript,
  type Keyspace,
  type RedisClient,
} from '@wechat-dispatch/shared';

const RESERVE_CONSENTS = luaScript(join(__dirname, 'reserve-consents.lua'));
const CONSENT_OP = luaScript(join(__dirname, 'consent-op.lua'));

/** Options of {@link ConsentLedger}. */
export interface ConsentLedgerOptions {
  redis: RedisClient;
  keyspace: Keyspace;
  /** How long a user's grants are kept after their last change. @defaultValue 365 days */
  ttlSeconds?: number;
}

/** One (user, template) grant as `GET /v1/consents/:appId/:openid` shows it. */
export interface ConsentGrant {
  templateId: string;
  /** Unused one-time grants: sends that may still be enqueued. */
  available: number;
  /** Grants held by queued messages, used up when they are sent. */
  reserved: number;
  updatedAt: string;
}

/** Who a grant is for. */
export interface ConsentSubject {
  appId: string;
  openId: string;
  templateId: string;
}

/** A change to one grant (see consent-op.lua). */
export type ConsentOp = 'grant' | 'clear' | 'consume' | 'release';

/**
 * Subscription consent per (app, openid, template), kept from WeChat's subscribe events: one
 * hash per user (`{prefix}:consent:<appId>:<openid>`) with unused and reserved counts per
 * template. The API reserves at enqueue, the worker consumes on success, clears on 43101 and
 * applies popup/change events.
 */
export class ConsentLedger {
  private readonly ttlSeconds: number;
  private readonly reserveScript: BoundScript;
  private readonly opScript: BoundScript;

  constructor(private readonly options: ConsentLedgerOptions) {
    this.ttlSeconds = options.ttlSeconds ?? 365 * 24 * 3600;
    this.reserveScript = bindScript(options.redis, RESERVE_CONSENTS);
    this.opScript = bindScript(options.redis, CONSENT_OP);
  }

  /** Key of one user's grants. */
  key(appId: string, openId: string): string {
    return this.options.keyspace.key('consent', appId, openId);
  }

  /**
   * Takes one unused grant for every subject, all or nothing.
   * @returns -1 when all were reserved, else the index of the first subject without a grant
   */
  async reserve(subjects: readonly ConsentSubject[]): Promise<number> {
    if (subjects.length === 0) {
      return -1;
    }
    const first = await this.reserveScript.run(
      subjects.map((s) => this.key(s.appId, s.openId)),
      [Date.now(), this.ttlSeconds, ...subjects.map((s) => s.templateId)],
    );
    return first as number;
  }

  /** Applies one change; returns the unused grants after it. */
  async apply(op: ConsentOp, subject: ConsentSubject): Promise<number> {
    const available = await this.opScript.run(
      [this.key(subject.appId, subject.openId)],
      [op, subject.templateId, Date.now(), this.ttlSeconds],
    );
    return available as number;
  }

  /** Every template the user has (or had) a grant for. */
  async list(appId: string, openId: string): Promise<ConsentGrant[]> {
    const hash = await this.options.redis.hgetall(this.key(appId, openId));
    const grants = new Map<string, ConsentGrant>();
    for (const [field, value] of Object.entries(hash)) {
      const kind = field.slice(0, 2);
      const templateId = field.slice(2);
      const grant = grants.get(templateId) ?? {
        templateId,
        available: 0,
        reserved: 0,
        updatedAt: '',
      };
      if (kind === 'a:') {
        grant.available = Math.max(0, Number(value));
      } else if (kind === 'r:') {
        grant.reserved = Math.max(0, Number(value));
      } else if (kind === 'u:') {
        grant.updatedAt = new Date(Number(value)).toISOString();
      }
      grants.set(templateId, grant);
    }
    return [...grants.values()].sort((x, y) => x.templateId.localeCompare(y.templateId));
  }
}
