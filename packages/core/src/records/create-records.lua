--[[
  Creates many delivery records in one atomic step, skipping every record that already exists,
  so a retried batch (same ids, reused through its Idempotency-Key) never resets a record a
  worker has already moved on. Each record is one hash (its fields, the first history entry
  among them) with the retention TTL, plus an entry in its app's index, and joins its app's
  backlog (../apps/includes/app-backlog.lua); each app index drops the entries older than the
  retention and takes the TTL too. A record scheduled for later lives the retention after its
  `sendAt`: its own TTL is the retention plus its extra seconds.

  A created record is appended to the archive's change stream (includes/archive-change.lua) when
  the keys end with that stream's key.

  KEYS: per record, in order: record hash, app index, app pending, app rank (four keys each),
        then optionally the archive's change stream.
  ARGV: ttlSeconds, then per record: createdMs, id, extraSeconds, nFields, (field, value)…
  Returns, per record, the send priority of its job: its rank when it was created, the app's
  current rank (at least 1) when it already existed.
]]
--- @include "../apps/includes/app-backlog"
--- @include "includes/archive-change"
local changesKey = false
if #KEYS % 4 == 1 then changesKey = KEYS[#KEYS] end
local ttl = tonumber(ARGV[1])
local a = 2
local ranks = {}
local newest = {}
for r = 0, math.floor(#KEYS / 4) - 1 do
  local hashKey = KEYS[4 * r + 1]
  local indexKey = KEYS[4 * r + 2]
  local createdMs = tonumber(ARGV[a])
  local id = ARGV[a + 1]
  local extra = tonumber(ARGV[a + 2])
  local nFields = tonumber(ARGV[a + 3])
  local first = a + 4
  a = first + 2 * nFields
  if redis.call('EXISTS', hashKey) == 0 then
    redis.call('HSET', hashKey, unpack(ARGV, first, first + 2 * nFields - 1))
    redis.call('EXPIRE', hashKey, ttl + extra)
    redis.call('ZADD', indexKey, createdMs, id)
    if newest[indexKey] == nil or newest[indexKey] < createdMs then
      newest[indexKey] = createdMs
    end
    ranks[r + 1] = backlogJoin(KEYS[4 * r + 3], KEYS[4 * r + 4])
    archiveChange(changesKey, hashKey)
  else
    ranks[r + 1] = math.max(1, tonumber(redis.call('GET', KEYS[4 * r + 4]) or '1'))
  end
end
for indexKey, createdMs in pairs(newest) do
  redis.call('ZREMRANGEBYSCORE', indexKey, '-inf', createdMs - ttl * 1000)
  redis.call('EXPIRE', indexKey, ttl)
end
return ranks
