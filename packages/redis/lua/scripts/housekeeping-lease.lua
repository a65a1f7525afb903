-- housekeeping-lease: the compare-and-set of a queue's housekeeping lease.
--
-- KEYS[1]  the queue's housekeeping hash: retention (policy JSON; absent = keep everything),
--          holder, expiresAt
-- ARGV[1]  holder; ARGV[2] now (ms); ARGV[3] expiresAt (now + the lease's length)
-- @returns [held: 0 | 1, retention: string | null]
-- Returns: held is 1 when ARGV[1] holds the lease after the call; retention is the stored policy
--   JSON, null without one
-- Events: none.
-- Guarantees: atomic; the lease changes hands only when it is free, expired (expiresAt <= now)
--   or already ARGV[1]'s, so at most one holder at a time. Times are core's `now`, not the
--   server's TTLs, as everywhere else. Renewing with expiresAt = now hands it back at once.
local f = redis.call('HMGET', KEYS[1], 'holder', 'expiresAt', 'retention')
local held = (not f[1]) or f[1] == ARGV[1] or tonumber(f[2] or '0') <= tonumber(ARGV[2])
if held then redis.call('HSET', KEYS[1], 'holder', ARGV[1], 'expiresAt', ARGV[3]) end
return { held and 1 or 0, f[3] or false }
