--[[
  Marks a send answered: its entry in the window now counts from the answer's time.

  KEYS[1] the app's window
  ARGV[1] member (the send)
]]
--- @include "includes/redis-clock"

redis.call('ZADD', KEYS[1], 'XX', redisNowMs(), ARGV[1])
return 0
