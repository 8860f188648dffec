--[[
  Drops the cached token only if it is still the one that failed, so a newer token a peer
  fetched meanwhile survives a late invalidation.

  KEYS: token hash. ARGV: the failed token.
  Returns 1 when deleted, 0 when the cache holds another token or none.
]]
if redis.call('HGET', KEYS[1], 'token') == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
