/**
 * The apps a caller may send for and read: every app (no list in `API_KEYS`, and every
 * operator), or the listed ones. The rest of the API asks only {@link CallerScope.mayUse}, so
 * whatever knows callers (the key list today, a registry of callers later) can supply one.
 */
export class CallerScope {
  private static readonly EVERY_APP = new CallerScope(undefined);

  private constructor(private readonly apps: ReadonlySet<string> | undefined) {}

  /** A scope over every app. */
  static all(): CallerScope {
    return CallerScope.EVERY_APP;
  }

  /** A scope over `appIds`; undefined means every app. */
  static of(appIds: readonly string[] | undefined): CallerScope {
    return appIds === undefined ? CallerScope.EVERY_APP : new CallerScope(new Set(appIds));
  }

  /** Whether the caller may send for and read the messages of `appId`. */
  mayUse(appId: string): boolean {
    return this.apps === undefined || this.apps.has(appId);
  }

  /** The apps of `appIds` within the scope, in their order. */
  within(appIds: readonly string[]): string[] {
    return appIds.filter((appId) => this.mayUse(appId));
  }
}
