--[[
  An app's backlog, kept by the scripts that create records and move their status: `pending`
  counts the app's messages that are not final yet (queued, scheduled, retrying, sending) and
  `rank` is the priority its newest queued message was given. A send job's BullMQ priority is
  its rank: its place in its own app's backlog, never less than the rank before it (so an app's
  messages keep their order) and reset when the backlog empties. BullMQ takes lower priorities
  first, so the first message of a quiet app goes ahead of the deep part of a busy app's backlog.
  A count that drifted below zero (a record that expired while pending) is reset, not kept.

  backlogJoin(pendingKey, rankKey): one more pending message; returns its rank.
  backlogLeave(pendingKey, rankKey): one pending message fewer.
  backlogFollow(pendingKey, rankKey, from, to): what a status change from → to means for the
    backlog; returns the rank when the message joined it.
]]
local BACKLOG_STATUSES = {queued = true, scheduled = true, retrying = true, sending = true}
-- BullMQ's highest priority.
local RANK_CAP = 2097151

local function backlogJoin(pendingKey, rankKey)
  local pending = redis.call('INCR', pendingKey)
  if pending < 1 then
    redis.call('SET', pendingKey, 1)
    pending = 1
  end
  local rank = math.max(pending, tonumber(redis.call('GET', rankKey) or '0'))
  if rank > RANK_CAP then rank = RANK_CAP end
  redis.call('SET', rankKey, rank)
  return rank
end

local function backlogLeave(pendingKey, rankKey)
  if redis.call('DECR', pendingKey) <= 0 then
    redis.call('DEL', pendingKey, rankKey)
  end
end

local function backlogFollow(pendingKey, rankKey, from, to)
  if BACKLOG_STATUSES[from] and not BACKLOG_STATUSES[to] then
    backlogLeave(pendingKey, rankKey)
  elseif BACKLOG_STATUSES[to] and not BACKLOG_STATUSES[from] then
    return backlogJoin(pendingKey, rankKey)
  end
  return nil
end
