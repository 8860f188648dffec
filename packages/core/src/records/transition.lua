--[[
  A record's status change (see includes/transition-record.lua).

  KEYS: record hash, then optionally the app's pending and rank keys (its backlog), then
        optionally the archive's change stream (so an even number of keys ends with it).
  ARGV: to, now, historyJson, historyCap, ttlSeconds, incrementAttempts (0|1),
        nFrom, from…, nSet, (field, value)…, nUnset, field…
  Returns {1, previous, rank} on success, {0, current} when the status did not allow it, {-1, ''} when
  the record does not exist.
]]
--- @include "includes/transition-record"
local backlog = false
if #KEYS >= 3 then backlog = {KEYS[2], KEYS[3]} end
local changesKey = false
if #KEYS % 2 == 0 then changesKey = KEYS[#KEYS] end
return transitionRecord(KEYS[1], ARGV, backlog, changesKey)
