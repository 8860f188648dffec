--[[
  One change to one (user, template) grant (fields as in reserve-consents.lua).

  ops: `grant` one more unused grant (a popup accept); `clear` no grant at all (reject, 43101);
  `consume` a reserved grant was used by a successful send; `release` a reserved grant goes back
  (the message was cancelled or died without reaching the user). After a `clear`, nothing is
  reserved any more, so a late `release` cannot resurrect a rejected grant.

  KEYS: the consent hash.
  ARGV: op, templateId, nowMs, ttlSeconds.
  Returns the unused grants after the change.
]]
local op, tpl = ARGV[1], ARGV[2]
local a = 'a:' .. tpl
local r = 'r:' .. tpl
if op == 'grant' then
  redis.call('HINCRBY', KEYS[1], a, 1)
elseif op == 'clear' then
  redis.call('HSET', KEYS[1], a, 0, r, 0)
elseif op == 'consume' then
  if tonumber(redis.call('HGET', KEYS[1], r) or '0') > 0 then redis.call('HINCRBY', KEYS[1], r, -1) end
elseif op == 'release' then
  if tonumber(redis.call('HGET', KEYS[1], r) or '0') > 0 then
    redis.call('HINCRBY', KEYS[1], r, -1)
    redis.call('HINCRBY', KEYS[1], a, 1)
  end
end
redis.call('HSET', KEYS[1], 'u:' .. tpl, ARGV[3])
redis.call('EXPIRE', KEYS[1], ARGV[4])
return tonumber(redis.call('HGET', KEYS[1], a) or '0')
