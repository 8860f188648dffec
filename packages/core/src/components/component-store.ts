import { createHash } from 'node:crypto';
import { join } from 'node:path';
import {
  bindScript,
  luaScript,
  secretRedactor,
  type BoundScript,
  type Keyspace,
  type RedisClient,
} from '@wechat-dispatch/shared';
import type { SecretBox } from '../apps/secret-box';
import { componentKeys, type ComponentKeys } from './component-keys';
import {
  componentContext,
  parseStoredComponent,
  refreshTokenContext,
  type ComponentCredentials,
  type ComponentInput,
  type ComponentView,
  type StoredComponent,
} from './component-record';

const TICKET_SAVE = luaScript(join(__dirname, 'ticket-save.lua'));
const REFRESH_SWAP = luaScript(join(__dirname, 'refresh-swap.lua'));

/** WeChat's ticket is valid 12 hours after its push. */
const TICKET_TTL_SECONDS = 12 * 3600;

/** An authorizer's refresh token as stored: the clear value and the sealed one to swap from. */
export interface StoredRefreshToken {
  refreshToken: string;
  sealed: string;
}

/** Options of {@link ComponentStore}. */
export interface ComponentStoreOptions {
  redis: RedisClient;
  keyspace: Keyspace;
  /** The app registry's box (`APP_SECRETS_KEY`). */
  box: SecretBox;
  now?: () => Date;
}

/**
 * The Open Platform state in Redis: component credentials (sealed), the newest
 * `component_verify_ticket`, each authorizer's `authorizer_refresh_token` (sealed, replaced only
 * by compare-and-set) and single-use claims of authorization codes. Components are few and read
 * only at token fetches and pushes, so reads go to Redis every time (no directory to poll).
 */
export class ComponentStore {
  private readonly keys: ComponentKeys;
  private readonly saveTicketScript: BoundScript;
  private readonly swapScript: BoundScript;
  private readonly now: () => Date;

  constructor(private readonly options: ComponentStoreOptions) {
    this.keys = componentKeys(options.keyspace);
    this.saveTicketScript = bindScript(options.redis, TICKET_SAVE);
    this.swapScript = bindScript(options.redis, REFRESH_SWAP);
    this.now = options.now ?? (() => new Date());
  }

  /** Creates or replaces a component. @returns whether it was created */
  async put(componentAppId: string, input: ComponentInput): Promise<boolean> {
    const { box, redis } = this.options;
    const current = parseStoredComponent(await redis.hget(this.keys.components, componentAppId));
    const at = this.now().toISOString();
    const seal = (field: keyof ComponentInput) =>
      box.seal(input[field], componentContext(componentAppId, field));
    const next: StoredComponent = {
      componentAppId,
      componentSecret: seal('componentSecret'),
      token: seal('token'),
      encodingAesKey: seal('encodingAesKey'),
      createdAt: current?.createdAt ?? at,
      updatedAt: at,
    };
    await redis.hset(this.keys.components, componentAppId, JSON.stringify(next));
    return current === undefined;
  }

  /** Adds a component only if absent (seeding from `WECHAT_COMPONENTS`). */
  async seed(componentAppId: string, input: ComponentInput): Promise<boolean> {
    if ((await this.options.redis.hexists(this.keys.components, componentAppId)) === 1) {
      return false;
    }
    return this.put(componentAppId, input);
  }

  /** The component's credentials in the clear, registered with the redactor. */
  async credentials(componentAppId: string): Promise<ComponentCredentials | undefined> {
    const stored = parseStoredComponent(
      await this.options.redis.hget(this.keys.components, componentAppId),
    );
    if (stored === undefined) {
      return undefined;
    }
    const open = (field: keyof ComponentInput) =>
      this.options.box.open(stored[field], componentContext(componentAppId, field));
    const credentials = {
      componentAppId,
      componentSecret: open('componentSecret'),
      token: open('token'),
      encodingAesKey: open('encodingAesKey'),
    };
    secretRedactor.registerSecret(credentials.componentSecret);
    secretRedactor.registerSecret(credentials.token);
    secretRedactor.registerSecret(credentials.encodingAesKey);
    return credentials;
  }

  /** What the operator routes show of a component. */
  async view(componentAppId: string): Promise<ComponentView | undefined> {
    const { redis } = this.options;
    const [raw, ticket] = await Promise.all([
      redis.hget(this.keys.components, componentAppId),
      redis.get(this.keys.ticket(componentAppId)),
    ]);
    const stored = parseStoredComponent(raw);
    if (stored === undefined) {
      return undefined;
    }
    const createTime = ticket ? (JSON.parse(ticket) as { createTime: number }).createTime : 0;
    return {
      componentAppId,
      secretSet: true,
      createdAt: stored.createdAt,
      updatedAt: stored.updatedAt,
      ...(createTime > 0 ? { ticketAt: new Date(createTime * 1000).toISOString() } : {}),
    };
  }

  /** Stores a pushed ticket unless a newer one is stored. @returns whether it was stored */
  async saveTicket(componentAppId: string, ticket: string, createTime: number): Promise<boolean> {
    secretRedactor.registerRollingSecret(ticket);
    const stored = await this.saveTicketScript.run(
      [this.keys.ticket(componentAppId)],
      [ticket, String(createTime), String(TICKET_TTL_SECONDS)],
    );
    return Number(stored) === 1;
  }

  /** The newest ticket, or undefined when none was pushed in the last 12 hours. */
  async ticket(componentAppId: string): Promise<string | undefined> {
    const raw = await this.options.redis.get(this.keys.ticket(componentAppId));
    if (!raw) {
      return undefined;
    }
    const { ticket } = JSON.parse(raw) as { ticket: string };
    secretRedactor.registerRollingSecret(ticket);
    return ticket;
  }

  /** Stores the refresh token of a (new) authorization, replacing any earlier one. */
  async setRefreshToken(
    componentAppId: string,
    authorizerAppId: string,
    refreshToken: string,
  ): Promise<void> {
    secretRedactor.registerRollingSecret(refreshToken);
    const sealed = this.sealRefresh(componentAppId, authorizerAppId, refreshToken);
    await this.options.redis.hset(this.keys.refreshTokens(componentAppId), authorizerAppId, sealed);
  }

  /** The authorizer's current refresh token, or undefined when it never authorized. */
  async refreshToken(
    componentAppId: string,
    authorizerAppId: string,
  ): Promise<StoredRefreshToken | undefined> {
    const sealed = await this.options.redis.hget(
      this.keys.refreshTokens(componentAppId),
      authorizerAppId,
    );
    if (!sealed) {
      return undefined;
    }
    const refreshToken = this.options.box.open(
      sealed,
      refreshTokenContext(componentAppId, authorizerAppId),
    );
    secretRedactor.registerRollingSecret(refreshToken);
    return { refreshToken, sealed };
  }

  /**
   * Replaces the refresh token `used` (as read) with `next`, unless another value was stored
   * since (that one is newer and stays). @returns whether it was replaced
   */
  async swapRefreshToken(
    componentAppId: string,
    authorizerAppId: string,
    used: StoredRefreshToken,
    next: string,
  ): Promise<boolean> {
    secretRedactor.registerRollingSecret(next);
    const sealed = this.sealRefresh(componentAppId, authorizerAppId, next);
    const replaced = await this.swapScript.run(
      [this.keys.refreshTokens(componentAppId)],
      [authorizerAppId, used.sealed, sealed],
    );
    return Number(replaced) === 1;
  }

  /**
   * Claims an authorization code for exchange (the redirect and the `authorized` push both
   * carry it). @returns true for the first claim within `ttlSeconds`
   */
  async claimAuthCode(componentAppId: string, code: string, ttlSeconds: number): Promise<boolean> {
    const key = this.codeKey(componentAppId, code);
    return (await this.options.redis.set(key, '1', 'EX', ttlSeconds, 'NX')) === 'OK';
  }

  /** Notes which authorizer a claimed code authorized, for the other path to read. */
  async settleAuthCode(
    componentAppId: string,
    code: string,
    authorizerAppId: string,
    ttlSeconds: number,
  ): Promise<void> {
    await this.options.redis.set(
      this.codeKey(componentAppId, code),
      authorizerAppId,
      'EX',
      ttlSeconds,
    );
  }

  /** The authorizer a code authorized; undefined while its exchange runs (or never claimed). */
  async authCodeOutcome(componentAppId: string, code: string): Promise<string | undefined> {
    const value = await this.options.redis.get(this.codeKey(componentAppId, code));
    return value && value !== '1' ? value : undefined;
  }

  /** Frees a claim after a failed exchange, so the other path may try. */
  async releaseAuthCode(componentAppId: string, code: string): Promise<void> {
    await this.options.redis.del(this.codeKey(componentAppId, code));
  }

  private codeKey(componentAppId: string, code: string): string {
    const digest = createHash('sha256').update(code).digest('hex').slice(0, 32);
    return this.keys.authCode(componentAppId, digest);
  }

  private sealRefresh(componentAppId: string, authorizerAppId: string, value: string): string {
    return this.options.box.seal(value, refreshTokenContext(componentAppId, authorizerAppId));
  }
}
