--[[
  Finishes a claim if the caller still owns it: `done` with the response, or `failed` (ids kept
  for the retry). A claim taken over after its lease ran out is no longer ours to change.

  KEYS: the key's hash.
  ARGV: owner, state (done | failed), responseJson (for done).
  Returns 1 when changed, 0 when the claim is no longer ours.
]]
if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[1] then return 0 end
if redis.call('HGET', KEYS[1], 'state') ~= 'pending' then return 0 end
if ARGV[2] == 'done' then
  redis.call('HSET', KEYS[1], 'state', 'done', 'response', ARGV[3])
else
  redis.call('HSET', KEYS[1], 'state', 'failed')
end
return 1
