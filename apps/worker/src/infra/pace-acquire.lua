--[[
  Takes a send slot of one app's sliding window, if one is free.

  The window is a sorted set of sends, each scored with the moment it stopped being able to
  reach WeChat: while in flight that is now + the in-flight bound, once answered the answer's
  time (pace-release.lua). A send may start only while fewer than `limit` entries lie within
  the last window.

  KEYS[1] the app's window
  ARGV[1] limit, ARGV[2] window (ms), ARGV[3] member (this send), ARGV[4] in-flight bound (ms)
  Returns 0 when the slot is taken, else the ms to wait before asking again.
]]
--- @include "includes/redis-clock"

local now = redisNowMs()
local window = tonumber(ARGV[2])
local inFlight = tonumber(ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('ZADD', KEYS[1], now + inFlight, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], window + inFlight * 2)
  return 0
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return math.min(math.max(1, tonumber(oldest[2]) + window - now + 1), window)
