--[[
  Claims an Idempotency-Key atomically, so of many concurrent requests exactly one runs. A
  pending claim whose lease ran out (its API process died) is taken over, ids and all.

  KEYS: the key's hash, holding fp, ids, state (pending | done | failed), owner, lease (ms
  epoch) and response.
  ARGV: fingerprint, idsJson, owner, nowMs, leaseMs, ttlMs.
  Returns:
  - {'claimed', idsJson}: this request runs, with these ids (the first attempt's, on a retry);
  - {'done', responseJson}: answer with the stored response;
  - {'mismatch'}: the key belongs to another body;
  - {'busy'}: another request runs it now.
]]
local fp = redis.call('HGET', KEYS[1], 'fp')
if not fp then
  redis.call('HSET', KEYS[1], 'fp', ARGV[1], 'ids', ARGV[2], 'state', 'pending',
    'owner', ARGV[3], 'lease', tonumber(ARGV[4]) + tonumber(ARGV[5]))
  redis.call('PEXPIRE', KEYS[1], ARGV[6])
  return {'claimed', ARGV[2]}
end
if fp ~= ARGV[1] then return {'mismatch'} end
local state = redis.call('HGET', KEYS[1], 'state')
if state == 'done' then return {'done', redis.call('HGET', KEYS[1], 'response')} end
local lease = tonumber(redis.call('HGET', KEYS[1], 'lease'))
if state == 'failed' or lease < tonumber(ARGV[4]) then
  redis.call('HSET', KEYS[1], 'state', 'pending', 'owner', ARGV[3],
    'lease', tonumber(ARGV[4]) + tonumber(ARGV[5]))
  return {'claimed', redis.call('HGET', KEYS[1], 'ids')}
end
return {'busy'}
