/** A remembered template send. */
interface Seen {
  msgid: bigint;
  at: number;
}

/** Upper bound on remembered ids, whatever the window, so memory stays bounded under load. */
const MAX_ENTRIES = 200_000;

/**
 * `client_msg_id` memory: the same app + openid + client_msg_id within the window is sent once.
 * Entries are inserted in time order, so pruning walks from the oldest and stops at the first
 * live one: O(1) amortised per call.
 */
export class DedupeStore {
  private readonly seen = new Map<string, Seen>();

  /**
   * @param now - the sandbox clock, epoch milliseconds
   * @param windowMs - read on every call, so a settings change applies at once
   */
  constructor(
    private readonly now: () => number,
    private readonly windowMs: () => number,
  ) {}

  /** The msgid of an earlier send with the same key inside the window, if any. */
  find(appid: string, touser: string, clientMsgId: string): bigint | undefined {
    this.prune();
    const hit = this.seen.get(this.key(appid, touser, clientMsgId));
    return hit && this.now() - hit.at < this.windowMs() ? hit.msgid : undefined;
  }

  /** Remembers a send. */
  remember(appid: string, touser: string, clientMsgId: string, msgid: bigint): void {
    const key = this.key(appid, touser, clientMsgId);
    this.seen.delete(key);
    this.seen.set(key, { msgid, at: this.now() });
  }

  /** Forgets everything. */
  clear(): void {
    this.seen.clear();
  }

  private prune(): void {
    const cutoff = this.now() - this.windowMs();
    for (const [key, entry] of this.seen) {
      if (entry.at > cutoff && this.seen.size <= MAX_ENTRIES) {
        break;
      }
      this.seen.delete(key);
    }
  }

  private key(appid: string, touser: string, clientMsgId: string): string {
    return `${appid}\u0000${touser}\u0000${clientMsgId}`;
  }
}
