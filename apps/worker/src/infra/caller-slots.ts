/**
 * This process's callback slots per caller: a caller may hold at most `perCaller` of the
 * callback worker's concurrent requests, so one caller's slow receiver leaves the other slots to
 * everyone else. In memory (each worker process shares its own slots); pure bookkeeping.
 */
export class CallerSlots {
  private readonly held = new Map<string, number>();

  constructor(private readonly perCaller: number) {}

  /** Takes one of `caller`'s slots; false when it holds all of them. */
  tryTake(caller: string): boolean {
    const now = this.held.get(caller) ?? 0;
    if (now >= this.perCaller) {
      return false;
    }
    this.held.set(caller, now + 1);
    return true;
  }

  /** Gives one of `caller`'s slots back. */
  release(caller: string): void {
    const now = (this.held.get(caller) ?? 0) - 1;
    if (now > 0) {
      this.held.set(caller, now);
    } else {
      this.held.delete(caller);
    }
  }
}
