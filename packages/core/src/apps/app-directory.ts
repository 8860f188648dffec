/** What kind of WeChat account an app is; unknown for apps seeded from `WECHAT_APPS`. */
export type AppKind = 'official_account' | 'mini_program';

/** One WeChat app the service sends for, as every process knows it (never a secret). */
export interface AppEntry {
  appId: string;
  kind?: AppKind;
  /** The shard whose hash tag holds the app's queue, records and pauses; fixed at creation. */
  shard: number;
  /** A disabled app's new messages are refused and its queued ones wait. */
  enabled: boolean;
  /** How its access token is fetched; unset = the process's `WECHAT_TOKEN_MODE`. */
  tokenMode?: 'stable' | 'classic';
  /** Most sends per second; unset = the worker's `WECHAT_RATE_LIMIT_PER_SEC`. */
  ratePerSec?: number;
  /** Subscribe messages need no recorded consent. */
  consentExempt?: boolean;
  /**
   * Where its access token comes from: its own AppSecret (unset = `secret`), or, for an Open
   * Platform authorizer, `api_authorizer_token` of the component it authorized.
   */
  tokenSource?: 'secret' | 'component';
  /** The component (third-party platform) of an authorizer. */
  componentAppId?: string;
}

/**
 * The apps a process knows, kept current: a static list from `WECHAT_APPS`, or the registry in
 * Redis watched for changes. Reads are synchronous (an in-memory copy) so the send path never
 * waits on it.
 */
export interface AppDirectory {
  /** The app, or undefined when it is unknown. */
  get(appId: string): AppEntry | undefined;
  /** Every known app, in no particular order. */
  list(): readonly AppEntry[];
  /** How many shards are in use (shards are numbered from 0). */
  readonly shardCount: number;
  /** Calls `listener` with the ids of apps that changed; returns how to stop listening. */
  onChange(listener: (appIds: readonly string[]) => void): () => void;
}

/** The secrets of the apps a process knows, decrypted on demand; never logged. */
export interface AppCredentials {
  /** The app's current AppSecret, or undefined when it is unknown. */
  secretOf(appId: string): string | undefined;
  /** The app's event push credentials, when it receives pushes. */
  eventCredentialsOf(appId: string): { token: string; encodingAESKey?: string } | undefined;
}

/** Apps as `WECHAT_APPS` lists them, with the settings a static configuration gives them. */
export interface StaticApp {
  appId: string;
  /** Empty where a process does not need it (the API). */
  appSecret: string;
  /** `WECHAT_EVENT_TOKENS`' token and key for the app. */
  eventToken?: string;
  encodingAESKey?: string;
  /** Listed in `WECHAT_CONSENT_EXEMPT_APPS`. */
  consentExempt?: boolean;
}

/**
 * A directory that never changes: the apps of `WECHAT_APPS`, spread over `shardCount` shards
 * in order (app i on shard i mod shardCount), all enabled.
 */
export function staticAppDirectory(
  apps: readonly StaticApp[],
  options: { shardCount?: number } = {},
): AppDirectory & AppCredentials {
  const shardCount = options.shardCount ?? 1;
  const entries = new Map<string, AppEntry>(
    apps.map((app, i) => [
      app.appId,
      {
        appId: app.appId,
        shard: i % shardCount,
        enabled: true,
        ...(app.consentExempt ? { consentExempt: true } : {}),
      },
    ]),
  );
  const byId = new Map(apps.map((app) => [app.appId, app]));
  const all = [...entries.values()];
  return {
    get: (appId) => entries.get(appId),
    list: () => all,
    shardCount,
    onChange: () => () => undefined,
    secretOf: (appId) => byId.get(appId)?.appSecret || undefined,
    eventCredentialsOf: (appId) => {
      const app = byId.get(appId);
      return app?.eventToken === undefined
        ? undefined
        : { token: app.eventToken, encodingAESKey: app.encodingAESKey };
    },
  };
}
