--[[
  The transition followed, when it applied, by the msgid index of delivery events (#7): the
  `sent` of a message and its msgid → message id entry are written together, in one round trip
  instead of two, so a record never says `sent` without its index entry.

  KEYS: record hash, msgid index, parked event, then optionally the app's pending and rank keys,
        then optionally the archive's change stream (so an even number of keys ends with it).
  ARGV: those of transition.lua, then messageId, indexTtlSeconds (always the last two).
  Returns transition.lua's answer; on success a third element holds the JSON of a delivery event
  that was parked for this msgid (and is now removed), when one was.
]]
--- @include "includes/transition-record"
--- @include "../events/includes/index-sent"
local backlog = false
if #KEYS >= 5 then backlog = {KEYS[4], KEYS[5]} end
local changesKey = false
if #KEYS % 2 == 0 then changesKey = KEYS[#KEYS] end
local result = transitionRecord(KEYS[1], ARGV, backlog, changesKey)
if result[1] ~= 1 then return result end
return {1, result[2], indexSent(KEYS[2], KEYS[3], ARGV[#ARGV - 1], ARGV[#ARGV])}
