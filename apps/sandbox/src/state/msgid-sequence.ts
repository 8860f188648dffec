/**
 * First msgid handed out. Real msgids are 64-bit and above 2^53 (e.g. 3487542469355618313), so
 * a client that parses them as JS numbers loses digits; the sandbox makes that bug visible.
 */
export const FIRST_MSGID = 3487542469355618313n;

/** Monotonic 64-bit message ids; never reset, so ids stay unique across `/sandbox/reset`. */
export class MsgIdSequence {
  private next = FIRST_MSGID;

  /** The next id. */
  take(): bigint {
    const id = this.next;
    this.next += 1n;
    return id;
  }
}
