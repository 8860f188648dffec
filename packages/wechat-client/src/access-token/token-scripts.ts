import { LuaScript } from './lua-script';

/**
 * One round trip for everything a `get()` needs: token, its stated lifetime, the ms left
 * (Redis' clock, so process clocks never matter), whether a fetch is under way, and a cached
 * token-endpoint error. KEYS: token, lock, error.
 */
export const PEEK = new LuaScript(`
local t = redis.call('HMGET', KEYS[1], 'token', 'expiresIn')
return { t[1], t[2], redis.call('PTTL', KEYS[1]), redis.call('EXISTS', KEYS[2]), redis.call('GET', KEYS[3]) }
`);

/**
 * Stores a fetched token with PX at its real expiry and clears a cached error. Fenced: a
 * writer whose lock expired during a slow fetch must not overwrite a newer token a peer has
 * cached since (the "older token overwrites newer" race); it may only fill an empty key.
 * KEYS: token, lock, error. ARGV: token, expiresIn (s), ttl (ms), fetchedAt (ms), lock value.
 * Returns 1 when stored, 0 when a peer's token was kept.
 */
export const STORE = new LuaScript(`
if redis.call('GET', KEYS[2]) ~= ARGV[5] and redis.call('EXISTS', KEYS[1]) == 1 then
  return 0
end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'token', ARGV[1], 'expiresIn', ARGV[2], 'fetchedAt', ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('DEL', KEYS[3])
return 1
`);

/** Deletes KEYS[1] only if it still holds ARGV[1]: releases a lock only its owner holds. */
export const COMPARE_AND_DELETE = new LuaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`);

/**
 * Drops the cached token only if it is still the one that failed, so a newer token a peer
 * fetched meanwhile survives a late invalidation. KEYS: token. ARGV: failed token.
 */
export const INVALIDATE = new LuaScript(`
if redis.call('HGET', KEYS[1], 'token') == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`);
