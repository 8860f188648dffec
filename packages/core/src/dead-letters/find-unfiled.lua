--[[
  Finds dead messages missing from the dead-letter index in a slice of one app's message index
  (the crash window between the worker's `dead` and its bury), for the periodic sweep.

  KEYS: the app's message index (ids by creation time), all-apps dead-letter index, record key
        prefix (the message id is appended; every key shares the stack's hash tag).
  ARGV: offset, count (a slice of the app's index, by rank).
  Returns {read, id…}: how many entries were read (less than count: the index is done), then
  the ids whose record says `dead` and that the dead-letter index lacks.
  A script so a slice costs one round trip, not two per message; it reads only.
]]
local ids = redis.call('ZRANGE', KEYS[1], ARGV[1], tonumber(ARGV[1]) + tonumber(ARGV[2]) - 1)
local out = {#ids}
for _, id in ipairs(ids) do
  if redis.call('HGET', KEYS[3] .. id, 'status') == 'dead' and not redis.call('ZSCORE', KEYS[2], id) then
    out[#out + 1] = id
  end
end
return out
