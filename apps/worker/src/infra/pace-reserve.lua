--[[
  Gives a send job of a rate-capped app its own send slot, so a job that cannot be sent soon is
  set aside until its slot instead of waiting in a worker (where a busy app's backlog would fill
  every worker's concurrency and hold up the other apps). Slots follow each other
  1000 / perSecond ms apart from now on; a job that already has a slot gets the same one back,
  and a slot within `soonMs` is given up (the job goes on to send). The sliding window
  (pace-acquire.lua) still bounds the sends themselves.

  KEYS[1] the app's next free slot, KEYS[2] the app's slots by job id
  ARGV[1] perSecond, ARGV[2] job id, ARGV[3] soonMs
  Returns the ms from now until the job's slot (at most soonMs: go on now).
]]
--- @include "includes/redis-clock"

local now = redisNowMs()
local slot = tonumber(redis.call('HGET', KEYS[2], ARGV[2]))
if not slot then
  local interval = 1000 / tonumber(ARGV[1])
  slot = math.max(now, tonumber(redis.call('GET', KEYS[1]) or '0'))
  local nextFree = slot + interval
  local keepMs = math.ceil(nextFree - now) + 60000
  redis.call('SET', KEYS[1], tostring(nextFree), 'PX', keepMs)
  redis.call('HSET', KEYS[2], ARGV[2], tostring(slot))
  redis.call('PEXPIRE', KEYS[2], keepMs)
end
local wait = math.floor(slot - now)
if wait <= tonumber(ARGV[3]) then
  redis.call('HDEL', KEYS[2], ARGV[2])
end
return wait
