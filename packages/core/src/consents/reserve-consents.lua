--[[
  Reserves one unused grant per item, all or nothing, so two quick enqueues cannot both pass on
  one grant. Items may repeat a (user, template): each needs its own grant.

  Fields per template: `a:<tpl>` unused grants, `r:<tpl>` reserved by queued messages,
  `u:<tpl>` last change (epoch ms).

  KEYS: one consent hash per item (may repeat).
  ARGV: nowMs, ttlSeconds, templateId per item.
  Returns -1 when every item got a grant, else the 0-based index of the first that did not.
]]
local need = {}
for i = 1, #KEYS do
  local tpl = ARGV[i + 2]
  local id = KEYS[i] .. '|' .. tpl
  need[id] = (need[id] or 0) + 1
  local avail = tonumber(redis.call('HGET', KEYS[i], 'a:' .. tpl) or '0')
  if avail < need[id] then return i - 1 end
end
for i = 1, #KEYS do
  local tpl = ARGV[i + 2]
  redis.call('HINCRBY', KEYS[i], 'a:' .. tpl, -1)
  redis.call('HINCRBY', KEYS[i], 'r:' .. tpl, 1)
  redis.call('HSET', KEYS[i], 'u:' .. tpl, ARGV[1])
  redis.call('EXPIRE', KEYS[i], ARGV[2])
end
return -1
