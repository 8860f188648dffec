--[[
  Grants up to ARGV[2] requests of the window, never past the limit. A missing counter starts a
  window that ends ARGV[3] ms later (its TTL).

  KEYS: the caller's counter.
  ARGV: limit, lease size, window ms.
  Returns {granted, used, resetMs}.
]]
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  used = 0
  ttl = tonumber(ARGV[3])
  redis.call('SET', KEYS[1], 0, 'PX', ttl)
end
local granted = math.min(tonumber(ARGV[2]), tonumber(ARGV[1]) - used)
if granted > 0 then
  redis.call('INCRBY', KEYS[1], granted)
else
  granted = 0
end
return {granted, used + granted, ttl}
