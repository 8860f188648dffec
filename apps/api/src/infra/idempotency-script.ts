/**
 * Claims an Idempotency-Key atomically, so of many concurrent requests exactly one runs.
 *
 * KEYS: the key's hash.
 * ARGV: fingerprint, idsJson, owner, nowMs, leaseMs, ttlMs.
 * The hash holds: fp, ids, state (pending | done | failed), owner, lease (ms epoch), response.
 * Returns:
 * - {'claimed', idsJson}: this request runs, with these ids (the first attempt's, on a retry);
 * - {'done', responseJson}: answer with the stored response;
 * - {'mismatch'}: the key belongs to another body;
 * - {'busy'}: another request runs it now.
 * A pending claim whose lease ran out (its API process died) is taken over, ids and all.
 */
export const CLAIM_LUA = `
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
`;

/**
 * Finishes a claim if the caller still owns it: `done` with the response, or `failed` (ids
 * kept for the retry). A claim taken over after its lease ran out is no longer ours to change.
 *
 * KEYS: the key's hash. ARGV: owner, state, responseJson (for done).
 * Returns 1 when changed, 0 when the claim is no longer ours.
 */
export const FINISH_LUA = `
if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[1] then return 0 end
if redis.call('HGET', KEYS[1], 'state') ~= 'pending' then return 0 end
if ARGV[2] == 'done' then
  redis.call('HSET', KEYS[1], 'state', 'done', 'response', ARGV[3])
else
  redis.call('HSET', KEYS[1], 'state', 'failed')
end
return 1
`;
