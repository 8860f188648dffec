--[[
  Replaces an authorizer's sealed refresh token only if it is still the one the caller used
  (compare-and-set), so a slower peer can never put back a token WeChat already retired.

  KEYS: the component's refresh-token hash.
  ARGV: authorizerAppId, expected sealed value ('' = must be absent), new sealed value.
  Returns 1 when replaced, 0 when another value is stored (it is newer: kept).
]]
local current = redis.call('HGET', KEYS[1], ARGV[1])
if (current or '') ~= ARGV[2] then
  return 0
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
return 1
