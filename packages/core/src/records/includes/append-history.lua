--[[
  appendHistory(history, entry, cap): the history field's new value, with `entry` (one JSON line)
  appended and only the newest `cap` (at least 1) entries kept. `history` may be nil or false (a
  hash without the field), so a script never concatenates nil.

  The field holds the entries' JSON, oldest first, separated by "\n"; JSON never has a raw
  newline (one inside a string is escaped), so entries are appended and trimmed by their
  separators without parsing any JSON. They are counted by scanning for separators rather than
  kept in a count field: the scan covers a few hundred bytes in C (a record has three to five
  entries, fifty at most), while a count field would be one more value per record kept for seven
  days, and one more thing that could disagree with the entries.
]]
local function appendHistory(history, entry, cap)
  if not history or history == '' then return entry end
  history = history .. '\n' .. entry
  local separators = {}
  local at = string.find(history, '\n', 1, true)
  while at do
    separators[#separators + 1] = at
    at = string.find(history, '\n', at + 1, true)
  end
  local excess = #separators + 1 - cap
  if excess > 0 then return string.sub(history, separators[excess] + 1) end
  return history
end
