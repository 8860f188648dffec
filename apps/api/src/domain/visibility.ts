import { CallerScope } from './caller-scope';

/** Who is looking: the caller's name and whether it is an operator (`API_ADMIN_CALLERS`). */
export interface Viewer {
  caller: string;
  isAdmin: boolean;
  /** The apps the caller may use; operators use every app. @defaultValue every app */
  scope?: CallerScope;
  /** The request's trace id, for log lines about what the viewer does. */
  traceId?: string;
}

/** The apps `viewer` may use: every app for an operator, else its scope. */
export function scopeOf(viewer: Viewer): CallerScope {
  return viewer.isAdmin ? CallerScope.all() : (viewer.scope ?? CallerScope.all());
}

/**
 * Whether `viewer` may see (and act on) a record. Callers see only the messages they created,
 * and only of the apps in their scope; operators see every caller's. Everything else answers
 * 404, so an id of another caller cannot even be confirmed to exist (OWASP API1).
 */
export function canSee(viewer: Viewer, record: { caller: string; appId: string }): boolean {
  return (
    viewer.isAdmin || (record.caller === viewer.caller && scopeOf(viewer).mayUse(record.appId))
  );
}
