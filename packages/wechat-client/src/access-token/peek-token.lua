--[[
  Everything a `get()` needs in one round trip: the token, its stated lifetime, the ms it has
  left (Redis' clock, so process clocks never matter), whether a fetch is under way, and a
  cached token-endpoint error.

  KEYS: token hash, fetch lock, cached error.
  Returns {token, expiresIn, pttl, lockExists, errorJson}.
]]
local t = redis.call('HMGET', KEYS[1], 'token', 'expiresIn')
return { t[1], t[2], redis.call('PTTL', KEYS[1]), redis.call('EXISTS', KEYS[2]), redis.call('GET', KEYS[3]) }
