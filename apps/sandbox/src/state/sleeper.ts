/**
 * Delays (latency, fault delays) that can all be cancelled when the sandbox closes, so a closed
 * sandbox leaves no timer behind to keep a test runner or process alive.
 */
export class Sleeper {
  private readonly timers = new Set<NodeJS.Timeout>();

  /** Resolves after `ms`; never resolves if cancelled first. */
  sleep(ms: number): Promise<void> {
    if (ms <= 0) {
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }

  /** Cancels every pending delay; the calls waiting on them are never answered. */
  cancelAll(): void {
    for (const t of this.timers) {
      clearTimeout(t);
    }
    this.timers.clear();
  }
}
