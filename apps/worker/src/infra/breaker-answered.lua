--[[
  Records that WeChat answered one of an app's sends (a success, or any answer that is not a
  transient failure): the app's run of failures ends, and an open breaker closes (its probe lock
  and its entry in the set of open breakers go with it).

  One step, so a breaker is closed once, by one worker, which then releases the jobs set aside.

  KEYS: breaker hash, probe lock, failure set, the set of apps with an open breaker
  ARGV: appId
  Returns {0} when the breaker was closed already, {1, openedAtMs} when this call closed it.
]]
redis.call('DEL', KEYS[3])
local openedAt = redis.call('HGET', KEYS[1], 'openedAt')
if not openedAt then
  return {0}
end
redis.call('DEL', KEYS[1], KEYS[2])
redis.call('SREM', KEYS[4], ARGV[1])
return {1, tonumber(openedAt)}
