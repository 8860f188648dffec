--[[
  The driver of a per-turn batch: runs `one` — a single-call script wrapped as a function of its
  own KEYS and ARGV (see per-turn-script.ts) — once per call, in order, and answers the list of
  their answers. Each run sees only its own keys and arguments, so it behaves exactly as its own
  call would; an error stops only its own run and becomes its answer (Redis never rolls a script
  back, so the runs before it stay applied, as separate calls' would).

  KEYS: every call's keys, in order.
  ARGV: the number of calls, then per call: its key count, its argument count, its arguments.
]]
local answers = {}
local k = 1
local a = 2
for r = 1, tonumber(ARGV[1]) do
  local nKeys = tonumber(ARGV[a])
  local nArgs = tonumber(ARGV[a + 1])
  local ok, answer = pcall(one, {unpack(KEYS, k, k + nKeys - 1)}, {unpack(ARGV, a + 2, a + 1 + nArgs)})
  if ok then
    answers[r] = answer
  elseif type(answer) == 'table' and answer.err then
    answers[r] = answer
  else
    answers[r] = redis.error_reply(tostring(answer))
  end
  k = k + nKeys
  a = a + 2 + nArgs
end
return answers
