/**
 * A transition that also answers with the record, for the worker's claim of a message: one round
 * trip instead of a read and then a transition. Moves the record from one of the allowed
 * statuses to the new one, appends the history entry with `attempt` = attempts + 1 (the attempt
 * this claim starts; `attempts` itself only counts finished attempts), refreshes the retention
 * TTL, and returns every field of the hash after the change. The history is trimmed only when
 * over the cap (one command fewer per claim).
 *
 * KEYS: record hash, history list.
 * ARGV: to, now, historyJsonHead (the entry's JSON up to `"attempt":`), historyCap, ttlSeconds,
 *       nFrom, from…
 * Returns {1, previous, attempt, {field, value…}} on success, {0, current, appId} when the
 * status did not allow it, {-1} when the record does not exist.
 */
export const CLAIM_LUA = `
local read = redis.call('HMGET', KEYS[1], 'status', 'attempts', 'appId')
local current = read[1]
if not current then return {-1} end
local allowed = false
for j = 1, tonumber(ARGV[6]) do
  if ARGV[6 + j] == current then allowed = true end
end
if not allowed then return {0, current, read[3]} end
local attempt = tonumber(read[2] or '0') + 1
redis.call('HSET', KEYS[1], 'status', ARGV[1], 'updatedAt', ARGV[2])
if redis.call('RPUSH', KEYS[2], ARGV[3] .. attempt .. '}') > tonumber(ARGV[4]) then
  redis.call('LTRIM', KEYS[2], -tonumber(ARGV[4]), -1)
end
redis.call('EXPIRE', KEYS[1], ARGV[5])
redis.call('EXPIRE', KEYS[2], ARGV[5])
return {1, current, attempt, redis.call('HGETALL', KEYS[1])}
`;
