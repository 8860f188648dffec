/** A token-endpoint configuration error currently seen for an app. */
export interface TokenConfigError {
  errcode: number;
  errmsg: string;
  /** When it was first seen in this window, epoch ms. */
  at: number;
}

/**
 * Which apps' token endpoints currently answer a configuration error (bad secret, IP not
 * whitelisted), so the worker's `/readyz` and logs can name them. Filled by this process's
 * own fetches and by errors a peer cached; cleared when a token for the app is seen again.
 */
export class ConfigErrorBoard {
  private readonly byApp = new Map<string, TokenConfigError>();

  /** Records (or replaces) the app's current configuration error. */
  note(appId: string, error: TokenConfigError): void {
    this.byApp.set(appId, error);
  }

  /** Forgets the app's error once a token for it is available again. */
  clear(appId: string): void {
    this.byApp.delete(appId);
  }

  /** A copy, safe to hand out. */
  snapshot(): Map<string, TokenConfigError> {
    return new Map(this.byApp);
  }
}
