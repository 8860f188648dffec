--[[
  Files dead letters buried before the caller indexes existed into their caller's index.

  KEYS: all-apps index, caller index key prefix, record key prefix.
  ARGV: offset, count (a slice of the all-apps index, by rank).
  Returns the number of entries read (less than count: the index is done).
  A script so each slice reads records and writes indexes without a round trip per entry.
]]
local entries = redis.call('ZRANGE', KEYS[1], ARGV[1], tonumber(ARGV[1]) + tonumber(ARGV[2]) - 1, 'WITHSCORES')
for i = 1, #entries, 2 do
  local caller = redis.call('HGET', KEYS[3] .. entries[i], 'caller')
  if caller and caller ~= '' then
    redis.call('ZADD', KEYS[2] .. caller, entries[i + 1], entries[i])
  end
end
return #entries / 2
