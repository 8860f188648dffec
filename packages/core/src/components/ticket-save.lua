--[[
  Stores a component_verify_ticket unless a newer one is already stored (newest wins: WeChat
  pushes one every 10 minutes and a retried older push may arrive late).

  KEYS: the component's ticket key.
  ARGV: ticket, createTime (WeChat's CreateTime, seconds), TTL in seconds.
  Returns 1 when stored, 0 when a newer ticket was kept.
]]
local current = redis.call('GET', KEYS[1])
if current then
  local stored = cjson.decode(current)
  if tonumber(stored.createTime) > tonumber(ARGV[2]) then
    return 0
  end
end
redis.call('SET', KEYS[1], cjson.encode({ ticket = ARGV[1], createTime = tonumber(ARGV[2]) }),
  'EX', tonumber(ARGV[3]))
return 1
