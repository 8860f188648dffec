--[[
  Removes records that were never queued (their enqueue failed): each record hash, its entry in
  its app's index, and its place in its app's backlog (../apps/includes/app-backlog.lua) — only
  for records that were still there, so discarding twice never leaves a backlog short.

  KEYS: per record, in order: record hash, app index, app pending, app rank (four keys each).
  ARGV: per record, its id.
  Returns the number of records removed.
]]
--- @include "../apps/includes/app-backlog"
local removed = 0
for r = 0, (#KEYS / 4) - 1 do
  if redis.call('DEL', KEYS[4 * r + 1]) == 1 then
    redis.call('ZREM', KEYS[4 * r + 2], ARGV[r + 1])
    backlogLeave(KEYS[4 * r + 3], KEYS[4 * r + 4])
    removed = removed + 1
  end
end
return removed
