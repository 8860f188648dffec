import { randomBytes } from 'node:crypto';
import { pushComponentEvent, type ComponentInfo } from './component-push';
import type { SandboxState } from '../state/sandbox-state';

/** One third-party platform (component) the sandbox knows. */
export interface SandboxComponent {
  componentAppId: string;
  componentSecret: string;
  /** The message-check token: signs the pushes. */
  token: string;
  /** The 43-character key the pushes are encrypted with. */
  encodingAesKey: string;
  /** The authorization event URL (授权事件接收URL) tickets and authorization events go to. */
  authEventUrl?: string;
  /** Seconds between ticket pushes; 0 = only on demand (`pushTicket`). @defaultValue 0 */
  ticketIntervalS?: number;
}

/** Call counters of the component endpoints. */
export interface ComponentStats {
  /** `api_component_token` successes per component. */
  componentTokens: Record<string, number>;
  /** `api_authorizer_token` successes per authorizer. */
  authorizerTokens: Record<string, number>;
  queryAuth: number;
  /** `api_authorizer_token` calls refused with 61023 (a refresh token no longer valid). */
  refreshRejected: number;
  ticketsPushed: number;
}

/** A grant answer: tokens of an authorizer. */
export interface AuthorizerGrant {
  authorizer_appid: string;
  authorizer_access_token: string;
  expires_in: number;
  authorizer_refresh_token: string;
}

interface Authorization {
  /** The refresh token to use next. */
  current: string;
  /** The one before: still accepted until `current` was used once (WeChat's overlap). */
  previous?: string;
  /** The permission sets (权限集 ids) the merchant granted. */
  funcScopes: number[];
  /** When `api_query_auth` stored it, in Unix seconds (`api_get_authorizer_list`'s `auth_time`). */
  authTime: number;
}

/** One authorized account as `api_get_authorizer_list` lists it. */
export interface AuthorizedAccount {
  authorizer_appid: string;
  refresh_token: string;
  auth_time: number;
}

/**
 * The permission sets a merchant grants unless told otherwise: message management (1), user
 * management (2), account services (3), web services (4), mass sending and notifications (7,
 * which template messages need), material (11), menus (15).
 */
export const DEFAULT_FUNC_SCOPES: readonly number[] = [1, 2, 3, 4, 7, 11, 15];

const token = (bytes = 32) => randomBytes(bytes).toString('base64url');
const PRE_AUTH_CODE_S = 1800;
const AUTH_CODE_S = 3600;
/** Tickets are valid 12 hours; the sandbox accepts the last few pushed. */
const TICKETS_KEPT = 3;

/**
 * WeChat's Open Platform side: verify tickets pushed to the platform, component tokens, pre-auth
 * codes, the authorization page's codes, `api_query_auth` and authorizer tokens (refresh tokens
 * rotate on every use when `rotateRefreshTokens`, the previous one accepted until the new one
 * has been used), and the `authorized` / `unauthorized` pushes.
 */
export class ComponentPlatform {
  readonly components = new Map<string, SandboxComponent>();
  /** Rotate refresh tokens on each `api_authorizer_token` (harder than WeChat). */
  rotateRefreshTokens = true;
  private readonly tickets = new Map<string, string[]>();
  private readonly componentTokens = new Map<string, { id: string; expiresAt: number }>();
  private readonly preAuthCodes = new Map<string, { id: string; expiresAt: number }>();
  private readonly authCodes = new Map<
    string,
    { id: string; authorizer: string; expiresAt: number; used: boolean; funcScopes: number[] }
  >();
  private readonly authorizations = new Map<string, Authorization>();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly counts: ComponentStats = {
    componentTokens: {},
    authorizerTokens: {},
    queryAuth: 0,
    refreshRejected: 0,
    ticketsPushed: 0,
  };

  constructor(
    private readonly state: SandboxState,
    components: readonly SandboxComponent[],
  ) {
    for (const component of components) {
      this.components.set(component.componentAppId, component);
      const every = component.ticketIntervalS ?? 0;
      if (every > 0 && component.authEventUrl) {
        const timer = setInterval(() => {
          this.pushTicket(component.componentAppId).catch(() => undefined);
        }, every * 1000);
        timer.unref();
        this.timers.push(timer);
      }
    }
  }

  /** Pushes a new `component_verify_ticket` to the component's authorization event URL. */
  async pushTicket(componentAppId: string): Promise<string> {
    const component = this.component(componentAppId);
    const ticket = `ticket@@@${token(48)}`;
    const kept = [...(this.tickets.get(componentAppId) ?? []), ticket].slice(-TICKETS_KEPT);
    this.tickets.set(componentAppId, kept);
    this.counts.ticketsPushed += 1;
    await this.push(component, {
      InfoType: 'component_verify_ticket',
      ComponentVerifyTicket: ticket,
    });
    return ticket;
  }

  /** `api_component_token`. */
  componentToken(body: Record<string, unknown>): { errcode: number } | Record<string, unknown> {
    const component = this.components.get(String(body.component_appid));
    if (!component) {
      return { errcode: 40013, errmsg: 'invalid appid' };
    }
    if (body.component_appsecret !== component.componentSecret) {
      return { errcode: 40125, errmsg: 'invalid appsecret' };
    }
    const valid = this.tickets.get(component.componentAppId) ?? [];
    if (!valid.includes(String(body.component_verify_ticket))) {
      return { errcode: 61006, errmsg: 'component ticket is invalid' };
    }
    const issued = `component@@@${token()}`;
    const ttl = this.state.settings.tokenTtlS;
    this.componentTokens.set(issued, {
      id: component.componentAppId,
      expiresAt: this.state.now() + ttl * 1000,
    });
    bump(this.counts.componentTokens, component.componentAppId);
    return { component_access_token: issued, expires_in: ttl };
  }

  /** `api_create_preauthcode`. */
  preAuthCode(accessToken: string | undefined): Record<string, unknown> {
    const id = this.checkToken(accessToken);
    if (typeof id !== 'string') {
      return id;
    }
    const code = `preauthcode@@@${token()}`;
    this.preAuthCodes.set(code, { id, expiresAt: this.state.now() + PRE_AUTH_CODE_S * 1000 });
    return { pre_auth_code: code, expires_in: PRE_AUTH_CODE_S };
  }

  /**
   * The merchant confirmed on the authorization page: an authorization code for `authorizer`
   * (a sandbox app) with the permission sets it granted, the `authorized` push (or
   * `updateauthorized` when it had authorized already), and the code for the redirect.
   */
  async authorize(
    componentAppId: string,
    preAuthCode: string,
    authorizer: string,
    funcScopes: readonly number[] = DEFAULT_FUNC_SCOPES,
  ): Promise<{ authCode: string } | { error: string }> {
    const pre = this.preAuthCodes.get(preAuthCode);
    if (!pre || pre.id !== componentAppId || pre.expiresAt < this.state.now()) {
      return { error: 'pre_auth_code is invalid or expired' };
    }
    if (!this.state.apps.has(authorizer)) {
      return { error: `unknown merchant app ${authorizer}` };
    }
    this.preAuthCodes.delete(preAuthCode);
    const key = `${componentAppId}:${authorizer}`;
    const update = this.authorizations.has(key);
    const authCode = `queryauthcode@@@${token()}`;
    const expiresAt = this.state.now() + AUTH_CODE_S * 1000;
    this.authCodes.set(authCode, {
      id: componentAppId,
      authorizer,
      expiresAt,
      used: false,
      funcScopes: [...funcScopes],
    });
    await this.push(this.component(componentAppId), {
      InfoType: update ? 'updateauthorized' : 'authorized',
      AuthorizerAppid: authorizer,
      AuthorizationCode: authCode,
      AuthorizationCodeExpiredTime: Math.floor(expiresAt / 1000),
      PreAuthCode: preAuthCode,
    });
    return { authCode };
  }

  /** The merchant revoked the authorization: its tokens stop working, `unauthorized` is pushed. */
  async unauthorize(componentAppId: string, authorizer: string): Promise<void> {
    this.authorizations.delete(`${componentAppId}:${authorizer}`);
    await this.push(this.component(componentAppId), {
      InfoType: 'unauthorized',
      AuthorizerAppid: authorizer,
    });
  }

  /** `api_query_auth`. */
  queryAuth(
    accessToken: string | undefined,
    body: Record<string, unknown>,
  ): Record<string, unknown> {
    const id = this.checkToken(accessToken);
    if (typeof id !== 'string') {
      return id;
    }
    const code = this.authCodes.get(String(body.authorization_code));
    if (!code || code.id !== id || code.used || code.expiresAt < this.state.now()) {
      return { errcode: 61010, errmsg: 'code is expired or invalid' };
    }
    code.used = true;
    this.counts.queryAuth += 1;
    const refresh = `refreshtoken@@@${token()}`;
    this.authorizations.set(`${id}:${code.authorizer}`, {
      current: refresh,
      funcScopes: code.funcScopes,
      authTime: Math.floor(this.state.now() / 1000),
    });
    return {
      authorization_info: {
        ...this.grant(code.authorizer, refresh),
        func_info: funcInfo(code.funcScopes),
      },
    };
  }

  /**
   * `api_get_authorizer_info`: the account's description (a mini program carries
   * `MiniProgramInfo`) and its current authorization (no access token).
   */
  authorizerInfo(
    accessToken: string | undefined,
    body: Record<string, unknown>,
  ): Record<string, unknown> {
    const id = this.checkToken(accessToken);
    if (typeof id !== 'string') {
      return id;
    }
    const authorizer = String(body.authorizer_appid);
    const auth = this.authorizations.get(`${id}:${authorizer}`);
    if (!auth) {
      return { errcode: 61003, errmsg: 'component is not authorized by this account' };
    }
    const miniProgram = this.state.miniPrograms.has(authorizer);
    return {
      authorizer_info: {
        nick_name: `sandbox ${authorizer}`,
        user_name: `gh_${authorizer.slice(-12)}`,
        // 2 = service account for official accounts; mini programs answer 0.
        service_type_info: { id: miniProgram ? 0 : 2 },
        verify_type_info: { id: 0 },
        ...(miniProgram ? { MiniProgramInfo: { network: {}, categories: [] } } : {}),
      },
      authorization_info: {
        authorizer_appid: authorizer,
        authorizer_refresh_token: auth.current,
        func_info: funcInfo(auth.funcScopes),
      },
    };
  }

  /** `api_authorizer_token`. */
  authorizerToken(
    accessToken: string | undefined,
    body: Record<string, unknown>,
  ): Record<string, unknown> {
    const id = this.checkToken(accessToken);
    if (typeof id !== 'string') {
      return id;
    }
    const authorizer = String(body.authorizer_appid);
    const auth = this.authorizations.get(`${id}:${authorizer}`);
    const given = String(body.authorizer_refresh_token);
    if (!auth || (given !== auth.current && given !== auth.previous)) {
      this.counts.refreshRejected += 1;
      return { errcode: 61023, errmsg: 'refresh_token is invalid' };
    }
    let refresh = auth.current;
    if (this.rotateRefreshTokens) {
      refresh = `refreshtoken@@@${token()}`;
      // The token used is accepted once more (a client that lost the answer may retry), so
      // using the newest keeps the one before as a fallback; using that fallback retires it.
      // A client that never stores rotated tokens is refused with 61023 at its third call.
      this.authorizations.set(`${id}:${authorizer}`, {
        current: refresh,
        previous: given === auth.current ? given : undefined,
        funcScopes: auth.funcScopes,
        authTime: auth.authTime,
      });
    }
    bump(this.counts.authorizerTokens, authorizer);
    const grant: Partial<AuthorizerGrant> = this.grant(authorizer, refresh);
    // `api_authorizer_token` answers without the appid (the caller named it).
    delete grant.authorizer_appid;
    return grant;
  }

  /** The accounts that authorize `componentAppId` now, oldest authorization first. */
  authorizedAccounts(componentAppId: string): AuthorizedAccount[] {
    const prefix = `${componentAppId}:`;
    return [...this.authorizations.entries()]
      .filter(([key]) => key.startsWith(prefix))
      .map(([key, auth]) => ({
        authorizer_appid: key.slice(prefix.length),
        refresh_token: auth.current,
        auth_time: auth.authTime,
      }))
      .sort((a, b) => a.auth_time - b.auth_time);
  }

  /** The component a component_access_token belongs to, or WeChat's refusal of it. */
  componentOf(accessToken: string | undefined): string | Record<string, unknown> {
    return this.checkToken(accessToken);
  }

  /** The sandbox apps a merchant can authorize. */
  merchantApps(): string[] {
    return [...this.state.apps.keys()];
  }

  /** A copy of the counters. */
  stats(): ComponentStats {
    return structuredClone(this.counts);
  }

  /** Stops the ticket timers. */
  close(): void {
    this.timers.forEach((timer) => clearInterval(timer));
  }

  private grant(authorizer: string, refresh: string): AuthorizerGrant {
    const record = this.state.tokens.issueClassic(authorizer);
    return {
      authorizer_appid: authorizer,
      authorizer_access_token: record.token,
      expires_in: this.state.settings.tokenTtlS,
      authorizer_refresh_token: refresh,
    };
  }

  private checkToken(accessToken: string | undefined): string | Record<string, unknown> {
    const issued = accessToken === undefined ? undefined : this.componentTokens.get(accessToken);
    if (!issued) {
      return { errcode: 40001, errmsg: 'invalid credential' };
    }
    if (issued.expiresAt < this.state.now()) {
      return { errcode: 42001, errmsg: 'access_token expired' };
    }
    return issued.id;
  }

  private component(componentAppId: string): SandboxComponent {
    const component = this.components.get(componentAppId);
    if (!component) {
      throw new Error(`unknown component ${componentAppId}`);
    }
    return component;
  }

  private async push(component: SandboxComponent, fields: ComponentInfo): Promise<void> {
    if (component.authEventUrl) {
      await pushComponentEvent(component, fields, this.state.now());
    }
  }
}

function funcInfo(scopes: readonly number[]): Array<{ funcscope_category: { id: number } }> {
  return scopes.map((id) => ({ funcscope_category: { id } }));
}

function bump(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}
