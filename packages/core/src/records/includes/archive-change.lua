--[[
  archiveChange(changesKey, recordKey): appends one entry naming a changed record to the change
  stream the archiver reads (#20), when the script was given that stream's key (`changesKey` is
  false otherwise, and nothing is written). The entry holds only the record's key: the archiver
  reads the record as it is when it writes, so an old or replayed entry never writes an older
  state.

  The stream is capped (approximately, so trimming stays cheap) at CHANGES_CAP entries: while the
  archive cannot be written, changes wait here up to that bound (the `archive_changes_waiting`
  metric and its alert watch the length).
]]
local CHANGES_CAP = 1000000

local function archiveChange(changesKey, recordKey)
  if changesKey then
    redis.call('XADD', changesKey, 'MAXLEN', '~', CHANGES_CAP, '*', 'key', recordKey)
  end
end
