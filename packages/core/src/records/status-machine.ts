import type { MessageStatus } from './record.schema';

/**
 * The edges a message's status may move along (CONTRACT §3). Statuses only move forward; the one
 * way back is an operator's redrive of a dead letter (`dead → queued`). Staying in a status
 * (e.g. a `sending` re-run after a crash) is always allowed and only adds history.
 */
export const STATUS_EDGES: Readonly<Record<MessageStatus, readonly MessageStatus[]>> = {
  scheduled: ['queued', 'sending', 'cancelled', 'expired'],
  queued: ['sending', 'cancelled', 'dead', 'expired'],
  sending: ['sent', 'retrying', 'dead', 'expired'],
  retrying: ['sending', 'cancelled', 'dead', 'expired'],
  sent: ['delivered', 'undelivered'],
  dead: ['queued'],
  delivered: [],
  undelivered: [],
  cancelled: [],
  expired: [],
};

/** Whether a record may move from `from` to `to`. */
export function canMove(from: MessageStatus, to: MessageStatus): boolean {
  return from === to || STATUS_EDGES[from].includes(to);
}
