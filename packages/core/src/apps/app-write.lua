--[[
  Writes one app of the registry if it is still what the writer read (compare-and-set), and
  bumps the registry's version in the same step, so a poller that sees the new version also
  sees the change in the change log.

  KEYS: apps hash, version counter, changes zset, index zset, seeded set.
  ARGV: appId, expected JSON ('' = the app must be absent), new JSON, seed flag ('1' for a
        seed from WECHAT_APPS: an app seeded before and since deleted is not created again).
  Returns the new version; 0 when the app is no longer what the writer expected (read again);
  -1 for a seed of an app that was seeded before and deleted since.
]]
local appId = ARGV[1]
local current = redis.call('HGET', KEYS[1], appId)
if ARGV[4] == '1' then
  if not current and redis.call('SISMEMBER', KEYS[5], appId) == 1 then
    return -1
  end
  redis.call('SADD', KEYS[5], appId)
end
if (current or '') ~= ARGV[2] then
  return 0
end
redis.call('HSET', KEYS[1], appId, ARGV[3])
redis.call('ZADD', KEYS[4], 0, appId)
local version = redis.call('INCR', KEYS[2])
redis.call('ZADD', KEYS[3], version, appId)
return version
