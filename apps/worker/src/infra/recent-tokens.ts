import type { AccessTokenProvider } from '@wechat-dispatch/wechat-client';

/** How long a token read from the shared cache is reused in-process. @defaultValue 1000 */
const RECENT_TOKEN_MS = 1000;

interface Recent {
  token: Promise<string>;
  until: number;
}

/**
 * Remembers the token each app's sends got for a second, so a busy worker asks the shared token
 * cache in Redis once a second per app instead of once per send. Safe because a token stays
 * valid well past the moment a newer one is cached (WeChat overlaps them), and because a token
 * WeChat rejects is forgotten here before the token protocol asks again: `invalidate` drops it
 * and passes on, so the retry gets the shared cache's current token. Failures are not kept.
 */
export class RecentTokens implements AccessTokenProvider {
  private readonly recent = new Map<string, Recent>();

  constructor(
    private readonly tokens: AccessTokenProvider,
    private readonly reuseMs: number = RECENT_TOKEN_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** @inheritdoc */
  get(appId: string): Promise<string> {
    const at = this.now();
    const hit = this.recent.get(appId);
    if (hit && at < hit.until) {
      return hit.token;
    }
    const token = this.tokens.get(appId);
    const entry = { token, until: at + this.reuseMs };
    this.recent.set(appId, entry);
    token.catch(() => {
      if (this.recent.get(appId) === entry) {
        this.recent.delete(appId);
      }
    });
    return token;
  }

  /** @inheritdoc */
  async invalidate(appId: string, failedToken: string): Promise<boolean> {
    const hit = this.recent.get(appId);
    if (hit && (await hit.token.catch(() => undefined)) === failedToken) {
      this.recent.delete(appId);
    }
    return this.tokens.invalidate(appId, failedToken);
  }
}
