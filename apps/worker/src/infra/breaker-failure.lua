--[[
  Records a transient send failure of one message against its app's circuit breaker, and opens
  the breaker when enough different messages failed with no answered send in between (the
  failure set is emptied by every answered send, breaker-answered.lua), or when this failure
  would be the message's last and another message of the app is failing too (a quiet app's
  messages would otherwise die before enough of them failed). A failure while the
  breaker is open costs nothing more; a failed probe keeps it open and doubles the interval to
  the next probe, up to the maximum, and frees the probe lock. The clock is Redis' (TIME), so
  every worker agrees on the probe time.

  One step, so two workers whose failures together cross the threshold open the breaker once,
  and a probe's failure and the next probe time are written together.

  KEYS: breaker hash, probe lock, failure set, the set of apps with an open breaker
  ARGV: appId, messageId, threshold, minIntervalMs, maxIntervalMs, probe (0|1), failureWindowMs,
        breakerTtlMs, last (0|1)
  Returns {state, waitMs}: state 0 = closed (the failure counts as usual), 1 = already open,
  2 = opened by this failure, 3 = this probe failed (still open); waitMs = time to the next probe.
]]
--- @include "includes/redis-clock"
local nowMs = redisNowMs()
local open = redis.call('HMGET', KEYS[1], 'probeAt', 'intervalMs')
if open[1] then
  if ARGV[6] == '1' then
    local interval = math.min(2 * (tonumber(open[2]) or tonumber(ARGV[4])), tonumber(ARGV[5]))
    redis.call('HSET', KEYS[1], 'probeAt', nowMs + interval, 'intervalMs', interval)
    redis.call('PEXPIRE', KEYS[1], ARGV[8])
    redis.call('DEL', KEYS[2])
    return {3, interval}
  end
  return {1, math.max(0, tonumber(open[1]) - nowMs)}
end
redis.call('SADD', KEYS[3], ARGV[2])
redis.call('PEXPIRE', KEYS[3], ARGV[7])
local failing = redis.call('SCARD', KEYS[3])
if failing < tonumber(ARGV[3]) and not (ARGV[9] == '1' and failing >= 2) then
  return {0, 0}
end
local interval = tonumber(ARGV[4])
redis.call('DEL', KEYS[3], KEYS[2])
redis.call('HSET', KEYS[1], 'probeAt', nowMs + interval, 'intervalMs', interval, 'openedAt', nowMs)
redis.call('PEXPIRE', KEYS[1], ARGV[8])
redis.call('SADD', KEYS[4], ARGV[1])
return {2, interval}
