--[[
  Counts one failed authentication of a client address, in a fixed window that starts with the
  address's first failure and lasts ARGV[1] ms (the counter's TTL).

  KEYS: the address's counter.
  ARGV: window ms.
  Returns {failures in the window, ms until the window ends}.

  One script, so a counter never lives without its TTL: an INCR and a PEXPIRE sent apart could
  leave a counter that never expires, and the address blocked for good.
]]
local failures = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  ttl = tonumber(ARGV[1])
  redis.call('PEXPIRE', KEYS[1], ttl)
end
return {failures, ttl}
