/**
 * The total-time bound of one axios call, as the little of an AbortSignal that axios' http
 * adapter uses (`aborted`, one `abort` listener added and removed), on a plain timer cleared
 * with the answer. A real AbortController is an EventTarget: creating it and adding and
 * removing its listener cost about a sixtieth of the worker's CPU per send, for a signal that
 * almost never fires.
 */
export class CallDeadline {
  aborted = false;
  private listener: (() => void) | undefined;
  private readonly timer: NodeJS.Timeout;

  constructor(ms: number) {
    this.timer = setTimeout(() => this.expire(), ms);
  }

  addEventListener(_type: 'abort', listener: () => void): void {
    this.listener = listener;
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    if (this.listener === listener) {
      this.listener = undefined;
    }
  }

  /** Stops the timer once the call is over. */
  clear(): void {
    clearTimeout(this.timer);
  }

  private expire(): void {
    this.aborted = true;
    this.listener?.();
  }
}
