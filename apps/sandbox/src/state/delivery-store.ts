import type { SandboxMessage } from '../types';

/** Filter of {@link DeliveryStore.list}. */
export interface MessageFilter {
  /** Only messages to this openid. */
  touser?: string;
  /** Only messages of this app. */
  appid?: string;
  /** At most this many, newest first. */
  limit?: number;
}

/**
 * Accepted messages in arrival order, bounded: past `max` the oldest are dropped, so a
 * benchmark of any size runs in constant memory. A version number lets the inbox page poll
 * cheaply for changes.
 */
export class DeliveryStore {
  private items: SandboxMessage[] = [];
  private start = 0;
  private readonly byMsgId = new Map<string, SandboxMessage>();
  private versionNo = 0;

  /** @param max - read on every add, so a settings change applies at once */
  constructor(private readonly max: () => number) {}

  /** Records a message. */
  add(message: SandboxMessage): void {
    this.items.push(message);
    this.byMsgId.set(message.msgid, message);
    this.versionNo += 1;
    while (this.items.length - this.start > this.max()) {
      const dropped = this.items[this.start];
      this.start += 1;
      if (dropped) {
        this.byMsgId.delete(dropped.msgid);
      }
    }
    // Compact now and then instead of shifting on every drop (shift is O(n)).
    if (this.start > 1024 && this.start * 2 > this.items.length) {
      this.items = this.items.slice(this.start);
      this.start = 0;
    }
  }

  /** The message with this msgid, if still kept. */
  get(msgid: string): SandboxMessage | undefined {
    return this.byMsgId.get(msgid);
  }

  /** Marks a change (e.g. a status update) so pollers reload. */
  touch(): void {
    this.versionNo += 1;
  }

  /** Messages matching `filter`, newest first. */
  list(filter: MessageFilter = {}): SandboxMessage[] {
    const out: SandboxMessage[] = [];
    const limit = filter.limit ?? Number.POSITIVE_INFINITY;
    for (let i = this.items.length - 1; i >= this.start && out.length < limit; i -= 1) {
      const m = this.items[i];
      if (
        m &&
        (filter.touser === undefined || m.touser === filter.touser) &&
        (filter.appid === undefined || m.appid === filter.appid)
      ) {
        out.push(m);
      }
    }
    return out;
  }

  /** Number of messages kept. */
  get size(): number {
    return this.items.length - this.start;
  }

  /** Changes whenever a message is added or updated or the store is cleared. */
  get version(): number {
    return this.versionNo;
  }

  /** Forgets every message. */
  clear(): void {
    this.items = [];
    this.start = 0;
    this.byMsgId.clear();
    this.versionNo += 1;
  }
}
