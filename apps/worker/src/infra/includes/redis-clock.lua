--[[
  Redis' own clock in milliseconds, so every worker process agrees on "now".
]]
local function redisNowMs()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
