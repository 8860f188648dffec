--[[
  Notes a send job set aside under its app (see held-jobs.ts), and keeps the app's set of held
  ids for at least as long as the job waits, plus a margin: once the set expires every job noted
  in it has woken on its own, so the ids of holds that ended without a release (a pause that ran
  out, a breaker probe time that came) do not pile up.

  KEYS[1] the app's held ids, KEYS[2] the set of apps with held jobs
  ARGV[1] job id, ARGV[2] appId, ARGV[3] how long the set must live at least (ms)
]]
redis.call('SADD', KEYS[1], ARGV[1])
redis.call('SADD', KEYS[2], ARGV[2])
local keep = tonumber(ARGV[3])
local left = redis.call('PTTL', KEYS[1])
if left < keep then
  redis.call('PEXPIRE', KEYS[1], keep)
end
return 0
