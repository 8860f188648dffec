import type { MessageStatus } from './record.schema';

/**
 * The edges a message's status may move along (CONTRACT §3). Statuses only move forward; the one
 * way back is an operator's redrive of a dead letter (`dead → queued`). Staying in a status
 * (e.g. a `sending` re-run after a crash) is always allowed and only adds history.
 */
export const STATUS_EDGES: Readonly<Record<MessageStatus, readonly MessageStatus[]>> = {
  scheduled: ['queued', 'sending', 'cancelled'],
  queued: ['sending', 'cancelled', 'dead'],
  sending: ['sent', 'retrying', 'dead'],
  retrying: ['sending', 'cancelled', 'dead'],
  sent: ['delivered', 'undelivered'],
  dead: ['queued'],
  delivered: [],
  undelivered: [],
  cancelled: [],
};

/** Whether a record may move from `from` to `to`. */
export function canMove(from: MessageStatus, to: MessageStatus): boolean {
  return from === to || STATUS_EDGES[from].includes(to);
}
