/**
 * Reserves one unused grant per item, all or nothing, so two quick enqueues cannot both pass
 * on one grant. Items may repeat a (user, template): each needs its own grant.
 *
 * KEYS: one consent hash per item (may repeat). ARGV: nowMs, ttlSeconds, templateId per item.
 * Returns -1 when every item got a grant, else the 0-based index of the first that did not.
 * Fields per template: `a:<tpl>` unused grants, `r:<tpl>` reserved by queued messages,
 * `u:<tpl>` last change (epoch ms).
 */
export const RESERVE_CONSENTS_LUA = `
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
`;

/**
 * One change to one (user, template) grant.
 *
 * KEYS: the consent hash. ARGV: op, templateId, nowMs, ttlSeconds.
 * ops: `grant` one more unused grant (a popup accept); `clear` no grant at all (reject, 43101);
 * `consume` a reserved grant was used by a successful send; `release` a reserved grant goes back
 * (the message was cancelled or died without reaching the user). After a `clear`, nothing is
 * reserved any more, so a late `release` cannot resurrect a rejected grant.
 * Returns the unused grants after the change.
 */
export const CONSENT_OP_LUA = `
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
`;
