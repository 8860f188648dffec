/** How one processing run of a send job ended. */
export type SendOutcome =
  'sent' | 'already_sent' | 'retry' | 'wait' | 'dead' | 'cancelled' | 'missing';

/** Observers of the processor, for metrics. All optional. */
export interface SendHooks {
  onOutcome?(
    appId: string,
    outcome: SendOutcome,
    errcode: number | undefined,
    durationMs?: number,
  ): void;
  onWait?(appId: string, errorClass: string, delayMs: number): void;
}
