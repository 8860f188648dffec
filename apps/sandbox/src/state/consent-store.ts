/** Grants one user gave one template. */
interface Grant {
  /** Unused one-time grants; each successful send consumes one. */
  oneTime: number;
  /** A long-term subscription (public-service categories): never consumed. */
  longTerm: boolean;
}

/** Snapshot of a grant, as the control API lists it. */
export interface ConsentInfo {
  appid: string;
  touser: string;
  template_id: string;
  oneTime: number;
  longTerm: boolean;
}

/**
 * Subscribe-message consent: WeChat's one-time model, where each accepted popup allows exactly
 * one later send of that template to that user.
 */
export class ConsentStore {
  private readonly grants = new Map<
    string,
    Grant & { appid: string; touser: string; template_id: string }
  >();

  /** Records that the user accepted the popup `count` times (or subscribed long-term). */
  grant(
    appid: string,
    touser: string,
    templateId: string,
    count = 1,
    longTerm = false,
  ): ConsentInfo {
    const key = this.key(appid, touser, templateId);
    const g = this.grants.get(key) ?? {
      appid,
      touser,
      template_id: templateId,
      oneTime: 0,
      longTerm: false,
    };
    g.oneTime += count;
    g.longTerm ||= longTerm;
    this.grants.set(key, g);
    return { ...g };
  }

  /** Consumes one grant; false when none is left (the send answers 43101). */
  consume(appid: string, touser: string, templateId: string): boolean {
    const g = this.grants.get(this.key(appid, touser, templateId));
    if (!g) {
      return false;
    }
    if (g.longTerm) {
      return true;
    }
    if (g.oneTime <= 0) {
      return false;
    }
    g.oneTime -= 1;
    if (g.oneTime === 0) {
      this.grants.delete(this.key(appid, touser, templateId));
    }
    return true;
  }

  /** Withdraws every grant the user gave this template (reject in settings). */
  revoke(appid: string, touser: string, templateId: string): boolean {
    return this.grants.delete(this.key(appid, touser, templateId));
  }

  /** Current grants, optionally for one user. */
  list(touser?: string): ConsentInfo[] {
    return [...this.grants.values()]
      .filter((g) => touser === undefined || g.touser === touser)
      .map((g) => ({ ...g }));
  }

  /** Forgets every grant. */
  clear(): void {
    this.grants.clear();
  }

  private key(appid: string, touser: string, templateId: string): string {
    return `${appid}\u0000${touser}\u0000${templateId}`;
  }
}
