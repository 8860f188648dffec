--[[
  Redrives a dead message in one step: the record moves dead → queued with a fresh attempt
  budget (history entry, retention, its app's backlog, see ../records/includes/
  transition-record.lua), its redrive count goes up by one and it leaves the dead-letter
  indexes (all apps, its app's, its caller's). Of any number of concurrent redrives exactly one
  finds the record `dead`; the others change nothing and learn the status it is in now, so only
  the winner adds a send job (named after the new redrive count, so it never collides with the
  failed job of the previous run).

  KEYS: record hash, app pending key, app rank key, all-apps index, app index, caller index key
        prefix (the caller's name is appended; every key shares the stack's hash tag).
  ARGV: now (ISO), historyJson, historyCap, ttlSeconds, message id.
  Returns {1, rank, redrives} on success, {0, current} when the record is not dead, {-1, ''}
  when it does not exist.
]]
--- @include "../records/includes/transition-record"
local argv = {'queued', ARGV[1], ARGV[2], ARGV[3], ARGV[4], '0', 1, 'dead', 1, 'attempts', '0', 1, 'nextAttemptAt'}
local moved = transitionRecord(KEYS[1], argv, {KEYS[2], KEYS[3]})
if moved[1] ~= 1 then return moved end
local redrives = redis.call('HINCRBY', KEYS[1], 'redrives', 1)
local id = ARGV[5]
redis.call('ZREM', KEYS[4], id)
redis.call('ZREM', KEYS[5], id)
local caller = redis.call('HGET', KEYS[1], 'caller')
if caller and caller ~= '' then
  redis.call('ZREM', KEYS[6] .. caller, id)
end
return {1, moved[3], redrives}
