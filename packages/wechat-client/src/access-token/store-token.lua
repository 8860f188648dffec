--[[
  Stores a fetched token with PX at its real expiry and clears a cached error. Fenced: a writer
  whose lock expired during a slow fetch must not overwrite a newer token a peer has cached since
  (the "older token overwrites newer" race); it may only fill an empty key.

  KEYS: token hash, fetch lock, cached error.
  ARGV: token, expiresIn (s), ttl (ms), fetchedAt (ms), lock value.
  Returns 1 when stored, 0 when a peer's token was kept.
]]
if redis.call('GET', KEYS[2]) ~= ARGV[5] and redis.call('EXISTS', KEYS[1]) == 1 then
  return 0
end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'token', ARGV[1], 'expiresIn', ARGV[2], 'fetchedAt', ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('DEL', KEYS[3])
return 1
