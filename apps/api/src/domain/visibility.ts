/** Who is looking: the caller's name and whether it is an operator (`API_ADMIN_CALLERS`). */
export interface Viewer {
  caller: string;
  isAdmin: boolean;
  /** The request's trace id, for log lines about what the viewer does. */
  traceId?: string;
}

/**
 * Whether `viewer` may see (and act on) a record. Callers see only the messages they created;
 * operators see every caller's. Everything else answers 404, so an id of another caller cannot
 * even be confirmed to exist (OWASP API1).
 */
export function canSee(viewer: Viewer, record: { caller: string }): boolean {
  return viewer.isAdmin || record.caller === viewer.caller;
}
