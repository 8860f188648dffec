--[[
  Gives a message its WeChat-style numeric msgid (the answer of the compat send routes), once:
  a message that has one keeps it, so an idempotent repeat answers the same number.

  KEYS: the msgid counter, the prefix of the msgid → message id keys, the message's msgid key.
  ARGV: message id, TTL seconds (the record's).
  Returns the msgid as a decimal string.

  One script, so a number is never handed out without both directions of its index, and two
  concurrent repeats of one message cannot get two numbers. Numbers are formatted with %.0f:
  Lua's own number-to-string keeps only 14 digits.
]]
local existing = redis.call('GET', KEYS[3])
if existing then
  return existing
end
local msgid = string.format('%.0f', redis.call('INCR', KEYS[1]))
local ttl = tonumber(ARGV[2])
redis.call('SET', KEYS[2] .. msgid, ARGV[1], 'EX', ttl)
redis.call('SET', KEYS[3], msgid, 'EX', ttl)
return msgid
