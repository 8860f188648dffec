--[[
  Releases the fetch lock only if its owner still holds it (compare-and-delete).

  KEYS: fetch lock. ARGV: owner id.
  Returns 1 when released, 0 when another owner holds it or it expired.
]]
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
