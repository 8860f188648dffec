import type { HistoryEntry } from './record.types';

/**
 * The record hash field that holds the history: its entries' JSON, oldest first, separated by
 * "\n". JSON.stringify never emits a raw newline (one inside a string is escaped), so a script
 * can append and trim entries by their separators without parsing any JSON.
 */
export const HISTORY_FIELD = 'history';

/**
 * Lua that defines `appendHistory(history, entry, cap)`: the field's new value, with `entry`
 * appended and only the newest `cap` (at least 1) entries kept. `history` may be nil or false
 * (a record without the field, e.g. one written by the previous version).
 *
 * The entries are counted by scanning for separators rather than kept in a count field: the scan
 * covers a few hundred bytes in C (a record has three to five entries, fifty at most), while a
 * count field would be one more value per record kept for seven days, and one more thing that
 * could disagree with the entries.
 */
export const APPEND_HISTORY_LUA = `
local function appendHistory(history, entry, cap)
  if not history or history == '' then return entry end
  history = history .. '\\n' .. entry
  local separators = {}
  local at = string.find(history, '\\n', 1, true)
  while at do
    separators[#separators + 1] = at
    at = string.find(history, '\\n', at + 1, true)
  end
  local excess = #separators + 1 - cap
  if excess > 0 then return string.sub(history, separators[excess] + 1) end
  return history
end
`;

/**
 * The history of a record, oldest first: the entries of its {@link HISTORY_FIELD} merged with
 * those of its history list, the separate key (`…:msg:<id>:history`) in which the previous
 * version kept them. Records live seven days and a rolling upgrade runs old and new code side by
 * side, so a record may have its entries in the list only (written by the old code), in the field
 * only, or in both (old API and new worker, or the reverse). New code never writes the list.
 *
 * Each source is already in the order it was written, so the two are merged by `at` rather than
 * sorted: an entry never moves past another of its own source (two hosts' clocks may disagree
 * by a few milliseconds), and on equal times the list's entry, written by the older code, comes
 * first. The merged history keeps the store's cap, like each source.
 *
 * The list is read for as long as a record of the previous version can be alive: its retention
 * (`RECORD_TTL_DAYS`) after the last process of that version stopped. A later release can drop
 * the list read and pass only the field.
 */
export function readHistory(
  field: string | undefined,
  legacyList: readonly string[],
  cap: number,
): HistoryEntry[] {
  const fromField = parseEntries(field ? field.split('\n') : []);
  if (legacyList.length === 0) {
    return fromField;
  }
  return mergeByTime(parseEntries(legacyList), fromField).slice(-cap);
}

function parseEntries(lines: readonly string[]): HistoryEntry[] {
  return lines.map((line) => JSON.parse(line) as HistoryEntry);
}

/** Two histories, each oldest first, as one, oldest first; on equal times `first`'s entry leads. */
function mergeByTime(first: HistoryEntry[], second: HistoryEntry[]): HistoryEntry[] {
  const merged: HistoryEntry[] = [];
  let i = 0;
  let j = 0;
  while (i < first.length && j < second.length) {
    const a = first[i]!;
    const b = second[j]!;
    if (Date.parse(a.at) <= Date.parse(b.at)) {
      merged.push(a);
      i += 1;
    } else {
      merged.push(b);
      j += 1;
    }
  }
  return merged.concat(first.slice(i), second.slice(j));
}
