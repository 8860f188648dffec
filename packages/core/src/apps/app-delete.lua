--[[
  Removes one app from the registry unless messages are still waiting for it, and bumps the
  version in the same step. The pending check and the delete are one step, so a message counted
  between them cannot be stranded.

  KEYS: apps hash, version counter, changes zset, index zset, the app's pending counter.
  ARGV: appId.
  Returns {version, 0} when removed; {-1, 0} when the app is unknown; {-2, pending} while
  messages wait for it.
]]
local appId = ARGV[1]
if redis.call('HEXISTS', KEYS[1], appId) == 0 then
  return { -1, 0 }
end
local pending = tonumber(redis.call('GET', KEYS[5]) or '0') or 0
if pending > 0 then
  return { -2, pending }
end
redis.call('HDEL', KEYS[1], appId)
redis.call('ZREM', KEYS[4], appId)
local version = redis.call('INCR', KEYS[2])
redis.call('ZADD', KEYS[3], version, appId)
return { version, 0 }
