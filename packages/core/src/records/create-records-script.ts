/**
 * Creates many delivery records in one atomic step, skipping every record that already exists,
 * so a retried batch (same ids, reused through its Idempotency-Key) never resets a record a
 * worker has already moved on. Same layout as `RecordStore.create`: hash + first history entry
 * + per-app index, each with the retention TTL.
 *
 * KEYS: per record, in order: record hash, history list, app index (three keys each).
 * ARGV: ttlSeconds, then per record: createdMs, id, historyJson, nFields, (field, value)…
 * Returns the number of records created.
 */
export const CREATE_RECORDS_LUA = `
local ttl = tonumber(ARGV[1])
local a = 2
local created = 0
local newest = {}
for r = 0, (#KEYS / 3) - 1 do
  local hashKey = KEYS[3 * r + 1]
  local historyKey = KEYS[3 * r + 2]
  local indexKey = KEYS[3 * r + 3]
  local createdMs = tonumber(ARGV[a])
  local id = ARGV[a + 1]
  local historyJson = ARGV[a + 2]
  local nFields = tonumber(ARGV[a + 3])
  local first = a + 4
  a = first + 2 * nFields
  if redis.call('EXISTS', hashKey) == 0 then
    redis.call('HSET', hashKey, unpack(ARGV, first, first + 2 * nFields - 1))
    redis.call('EXPIRE', hashKey, ttl)
    redis.call('RPUSH', historyKey, historyJson)
    redis.call('EXPIRE', historyKey, ttl)
    redis.call('ZADD', indexKey, createdMs, id)
    if newest[indexKey] == nil or newest[indexKey] < createdMs then
      newest[indexKey] = createdMs
    end
    created = created + 1
  end
end
for indexKey, createdMs in pairs(newest) do
  redis.call('ZREMRANGEBYSCORE', indexKey, '-inf', createdMs - ttl * 1000)
  redis.call('EXPIRE', indexKey, ttl)
end
return created
`;
