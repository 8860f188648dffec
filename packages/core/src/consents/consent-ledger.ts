import type { Keyspace, RedisClient } from '@wechat-dispatch/shared';
import { CONSENT_OP_LUA, RESERVE_CONSENTS_LUA } from './consent-scripts';

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

/** A change to one grant (see CONSENT_OP_LUA). */
export type ConsentOp = 'grant' | 'clear' | 'consume' | 'release';

type ReserveCommand = (...args: Array<string | number>) => Promise<number>;
type OpCommand = (key: string, ...args: string[]) => Promise<number>;

/**
 * Subscription consent per (app, openid, template), kept from WeChat's subscribe events: one
 * hash per user (`{prefix}:consent:<appId>:<openid>`) with unused and reserved counts per
 * template. The API reserves at enqueue, the worker consumes on success, clears on 43101 and
 * applies popup/change events.
 */
export class ConsentLedger {
  private readonly ttlSeconds: number;
  private readonly reserveCommand: ReserveCommand;
  private readonly opCommand: OpCommand;

  constructor(private readonly options: ConsentLedgerOptions) {
    this.ttlSeconds = options.ttlSeconds ?? 365 * 24 * 3600;
    const redis = options.redis;
    if (!('wxdReserveConsents' in redis)) {
      redis.defineCommand('wxdReserveConsents', { lua: RESERVE_CONSENTS_LUA });
      redis.defineCommand('wxdConsentOp', { numberOfKeys: 1, lua: CONSENT_OP_LUA });
    }
    const commands = redis as unknown as Record<string, ReserveCommand & OpCommand>;
    this.reserveCommand = commands.wxdReserveConsents!.bind(redis);
    this.opCommand = commands.wxdConsentOp!.bind(redis);
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
    const keys = subjects.map((s) => this.key(s.appId, s.openId));
    return this.reserveCommand(
      keys.length,
      ...keys,
      String(Date.now()),
      String(this.ttlSeconds),
      ...subjects.map((s) => s.templateId),
    );
  }

  /** Applies one change; returns the unused grants after it. */
  async apply(op: ConsentOp, subject: ConsentSubject): Promise<number> {
    return this.opCommand(
      this.key(subject.appId, subject.openId),
      op,
      subject.templateId,
      String(Date.now()),
      String(this.ttlSeconds),
    );
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
