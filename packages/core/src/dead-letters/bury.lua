--[[
  Files a dead message in the dead-letter time indexes: all apps, its app's, and its caller's
  (the caller is read from the record, so the worker need not know it).

  KEYS: record hash, all-apps index, app index, caller index key prefix (the caller's name is
        appended; every key shares the stack's hash tag, so one slot).
  ARGV: score (death time, ms), message id.
  Returns 1.
  Atomic so a listing never sees the message in one index and not in another.
]]
local score, id = ARGV[1], ARGV[2]
redis.call('ZADD', KEYS[2], score, id)
redis.call('ZADD', KEYS[3], score, id)
local caller = redis.call('HGET', KEYS[1], 'caller')
if caller and caller ~= '' then
  redis.call('ZADD', KEYS[4] .. caller, score, id)
end
return 1
