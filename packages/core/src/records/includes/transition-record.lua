--[[
  transitionRecord(key, argv): moves the record hash `key` from one of the allowed statuses to a
  new one, atomically: a worker marking `sent` and an API cancelling cannot both win. Sets and
  deletes fields, appends one history entry (capped) to the record's history field and extends
  the retention TTL of the record, which is one key, to at least the retention from now. The read (HMGET) also fetches the history
  and the attempt count, so the new history and count are written with the other fields in one
  HSET, and fields to delete are deleted (in one HDEL) only when the read found them: a `sent`
  costs Redis three commands (HMGET, HSET, EXPIRE).

  With `backlog` ({pendingKey, rankKey} of the record's app), the app's backlog follows the
  change (../../apps/includes/app-backlog.lua): a final status leaves it, a redrive joins it.
  With `changesKey`, the change is appended to the archive's change stream (archive-change.lua).

  argv: to, now, historyJson, historyCap, ttlSeconds, incrementAttempts (0|1),
        nFrom, from…, nSet, (field, value)…, nUnset, field…  (arguments after these are ignored)
  Returns {1, previous, rank} on success (rank: the message's new send priority when it joined
  the backlog, else false), {0, current} when the status did not allow it, {-1, ''} when the
  record does not exist.
]]
--- @include "append-history"
--- @include "../../apps/includes/app-backlog"
--- @include "archive-change"
local function transitionRecord(key, argv, backlog, changesKey)
  local fromAt = 7
  local nFrom = tonumber(argv[fromAt])
  local setAt = fromAt + nFrom + 1
  local nSet = tonumber(argv[setAt])
  local unsetAt = setAt + 2 * nSet + 1
  local nUnset = tonumber(argv[unsetAt])
  local read = redis.call('HMGET', key, 'status', 'attempts', 'history', unpack(argv, unsetAt + 1, unsetAt + nUnset))
  local current = read[1]
  if not current then return {-1, ''} end
  local allowed = false
  for j = 1, nFrom do
    if argv[fromAt + j] == current then allowed = true end
  end
  if not allowed then return {0, current} end
  local fields = {'status', argv[1], 'updatedAt', argv[2], 'history', appendHistory(read[3], argv[3], tonumber(argv[4]))}
  for j = 1, 2 * nSet do
    fields[6 + j] = argv[setAt + j]
  end
  if argv[6] == '1' then
    fields[#fields + 1] = 'attempts'
    fields[#fields + 1] = tostring(tonumber(read[2] or '0') + 1)
  end
  redis.call('HSET', key, unpack(fields))
  local present = {}
  for j = 1, nUnset do
    if read[3 + j] then present[#present + 1] = argv[unsetAt + j] end
  end
  if #present > 0 then
    redis.call('HDEL', key, unpack(present))
  end
  -- GT: a change never shortens the life a record already has (a record scheduled for later
  -- lives the retention after its sendAt, whatever changes before it).
  redis.call('EXPIRE', key, argv[5], 'GT')
  archiveChange(changesKey, key)
  local rank = false
  if backlog then
    rank = backlogFollow(backlog[1], backlog[2], current, argv[1]) or false
  end
  return {1, current, rank}
end
