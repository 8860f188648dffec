--[[
  indexSent(indexKey, parkedKey, messageId, ttlSeconds): indexes a sent message (msgid →
  message id, with the record's retention) and takes the delivery event parked for that msgid,
  when one arrived before the `sent`. Returns the parked event's JSON, or false.
]]
local function indexSent(indexKey, parkedKey, messageId, ttlSeconds)
  redis.call('SET', indexKey, messageId, 'EX', ttlSeconds)
  local parked = redis.call('GET', parkedKey)
  if parked then redis.call('DEL', parkedKey) end
  return parked
end
