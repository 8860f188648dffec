--[[
  The message a delivery event is about, or the event parked until the `sent` that indexes its
  msgid: one script, so an event and that `sent` cannot miss each other.

  KEYS: msgid index, parked event.
  ARGV: eventJson, parkTtlSeconds.
  Returns the message id, or nil after parking the event.
]]
local id = redis.call('GET', KEYS[1])
if id then return id end
redis.call('SET', KEYS[2], ARGV[1], 'EX', ARGV[2])
return false
