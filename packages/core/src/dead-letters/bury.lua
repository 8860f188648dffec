--[[
  Files a dead message in the dead-letter time indexes: all apps, its app's, and its caller's
  (the caller is read from the record, so the worker need not know it). Only a record that says
  `dead` is filed: a redrive that came between the worker's `dead` and this call has already
  moved it on. The indexes are bounded by the records' retention: entries older than
  ttlSeconds before this death are trimmed (their records have expired) and every index key
  expires ttlSeconds after its newest death, so an app or caller with no new deaths leaves
  nothing behind.

  KEYS: record hash, all-apps index, app index, caller index key prefix (the caller's name is
        appended; every key shares the stack's hash tag, so one slot).
  ARGV: score (death time, ms), message id, ttlSeconds (the records' retention).
  Returns 1 when filed, 0 when the record is not (or no longer) dead.
  Atomic so a listing never sees the message in one index and not in another.
]]
local score, id, ttl = tonumber(ARGV[1]), ARGV[2], tonumber(ARGV[3])
local fields = redis.call('HMGET', KEYS[1], 'status', 'caller')
if fields[1] ~= 'dead' then return 0 end
local indexes = {KEYS[2], KEYS[3]}
if fields[2] and fields[2] ~= '' then indexes[3] = KEYS[4] .. fields[2] end
local oldest = score - ttl * 1000
for _, index in ipairs(indexes) do
  redis.call('ZADD', index, score, id)
  redis.call('ZREMRANGEBYSCORE', index, '-inf', '(' .. oldest)
  redis.call('EXPIRE', index, ttl)
end
return 1
