import type { HistoryEntry } from './record.schema';

/**
 * The record hash field that holds the history: its entries' JSON, oldest first, separated by
 * "\n" (JSON never has a raw newline), so the scripts append and trim entries by their
 * separators without parsing any JSON (includes/append-history.lua).
 */
export const HISTORY_FIELD = 'history';

/** The entries of a record's {@link HISTORY_FIELD}, oldest first (none when it has no field). */
export function parseHistory(field: string | undefined): HistoryEntry[] {
  return field ? field.split('\n').map((line) => JSON.parse(line) as HistoryEntry) : [];
}
