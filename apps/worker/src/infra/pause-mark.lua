--[[
  Marks an app paused for at least ARGV[1] ms, never shortening a longer pause already marked
  (a minute-quota error must not cut a daily-quota pause short). The marker holds the reason
  of the longest pause, for operators.

  KEYS[1] the app's pause marker
  ARGV[1] pause (ms), ARGV[2] reason
  Returns { started, holdMs }: started is 1 when no pause was marked (this call began it);
  holdMs is how long the marked pause still lasts.
]]
local ms = tonumber(ARGV[1])
local left = redis.call('PTTL', KEYS[1])
if left >= ms then
  return { 0, left }
end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ms)
if left < 0 then
  return { 1, ms }
end
return { 0, ms }
