--[[
  A record's status change (see includes/transition-record.lua).

  KEYS: record hash.
  ARGV: to, now, historyJson, historyCap, ttlSeconds, incrementAttempts (0|1),
        nFrom, from…, nSet, (field, value)…, nUnset, field…
  Returns {1, previous} on success, {0, current} when the status did not allow it, {-1, ''} when
  the record does not exist.
]]
--- @include "includes/transition-record"
return transitionRecord(KEYS[1], ARGV)
