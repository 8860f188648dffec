--[[
  Records that a message was sent as a msgid, for a `sent` written without the indexed
  transition (see includes/index-sent.lua).

  KEYS: msgid index, parked event.
  ARGV: messageId, indexTtlSeconds.
  Returns the JSON of the event parked for this msgid (now removed), or nil.
]]
--- @include "includes/index-sent"
return indexSent(KEYS[1], KEYS[2], ARGV[1], ARGV[2])
