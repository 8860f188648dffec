--[[
  A transition that also answers with the record, for the worker's claim of a message: one round
  trip instead of a read and then a transition. Moves the record from one of the allowed
  statuses to the new one, appends the history entry with `attempt` = attempts + 1 (the attempt
  this claim starts; `attempts` itself only counts finished attempts) and returns every field of
  the hash after the change except the history.

  Two commands in all: the record is read once (HGETALL, which the answer needs anyway, also
  gives the status, the count and the history) and written once (HSET, history included), and
  the retention TTL is left to the move that ends the attempt (`sent`, `retrying` or `dead`, a
  send's length later).

  Only the script knows the attempt, so it builds the entry: the caller's entry without
  `attempt`, decoded, given its `attempt` and encoded again by cjson (which writes the keys in
  its own order and an empty array as {}; the entries of a claim have neither concern).

  The history is left out of the answer: the worker does not need it, and it is the record's
  largest field after the message.

  With a second key, the pause marker of the message's app: while it is there, nothing is read
  or changed and the answer is how long the pause has left, so a paused app's jobs are set aside
  without spending an attempt.

  With two more keys, the app's circuit breaker and its probe lock: while the breaker is open,
  nothing is read or changed before its next probe time and the answer is how long is left; at
  the probe time one claim (the first to take the probe lock, SET NX with a lease) goes ahead
  as the probe and every other claim is answered the breaker's current probe interval. The
  breaker's clock is Redis' (TIME), so every worker reads the same probe time.

  KEYS: record hash, optionally the app's pause marker, optionally the breaker and probe lock.
  ARGV: to, now, entryJson (the history entry without `attempt`), historyCap, nFrom, from…,
        then with the breaker keys: probeLeaseMs, probeOwner
  Returns {1, previous, attempt, {field, value…}, probe} on success (probe 1 when this claim is
  the breaker's probe), {0, current, appId} when the status did not allow it, {-1} when the
  record does not exist, {2, '', pauseLeftMs} while the app is paused, {3, '', waitMs} while
  its breaker is open and this claim is not the probe.
]]
--- @include "includes/append-history"
if KEYS[2] then
  local pauseLeft = redis.call('PTTL', KEYS[2])
  if pauseLeft > 0 then return {2, '', pauseLeft} end
end
local breakerInterval = false
if KEYS[3] then
  local breaker = redis.call('HMGET', KEYS[3], 'probeAt', 'intervalMs')
  if breaker[1] then
    local t = redis.call('TIME')
    local nowMs = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
    local probeAt = tonumber(breaker[1])
    if nowMs < probeAt then return {3, '', probeAt - nowMs} end
    breakerInterval = tonumber(breaker[2]) or 1000
  end
end
local fields = redis.call('HGETALL', KEYS[1])
if #fields == 0 then return {-1} end
local current, attempts, appId, statusAt, updatedAt, historyAt
for i = 1, #fields, 2 do
  local name = fields[i]
  if name == 'status' then current = fields[i + 1]; statusAt = i + 1
  elseif name == 'attempts' then attempts = fields[i + 1]
  elseif name == 'appId' then appId = fields[i + 1]
  elseif name == 'updatedAt' then updatedAt = i + 1
  elseif name == 'history' then historyAt = i + 1 end
end
local allowed = false
for j = 1, tonumber(ARGV[5]) do
  if ARGV[5 + j] == current then allowed = true end
end
if not allowed then return {0, current, appId} end
local probe = 0
if breakerInterval then
  local at = 6 + tonumber(ARGV[5])
  if not redis.call('SET', KEYS[4], ARGV[at + 1], 'NX', 'PX', ARGV[at]) then
    return {3, '', breakerInterval}
  end
  probe = 1
end
local attempt = tonumber(attempts or '0') + 1
local entry = cjson.decode(ARGV[3])
entry.attempt = attempt
local history = appendHistory(historyAt and fields[historyAt], cjson.encode(entry), tonumber(ARGV[4]))
redis.call('HSET', KEYS[1], 'status', ARGV[1], 'updatedAt', ARGV[2], 'history', history)
fields[statusAt] = ARGV[1]
if updatedAt then
  fields[updatedAt] = ARGV[2]
else
  fields[#fields + 1] = 'updatedAt'
  fields[#fields + 1] = ARGV[2]
end
if historyAt then
  table.remove(fields, historyAt)
  table.remove(fields, historyAt - 1)
end
return {1, current, attempt, fields, probe}
