-- migrate: brings a prefix's schema version to the code's, or reports a newer one.
--
-- KEYS[1]      the prefix's meta hash ('prefix:meta'), field `schema`
-- ARGV[1]      the code's schema version
-- ARGV[2]      '1' to write the version when it is older, '0' only to read it
-- Returns: { 'ok', version found } (written when asked and older); { 'newer', version found }
--          (nothing written)
-- Events: none.
-- Guarantees: atomic, so two processes migrating at once both succeed and write once. Version 1
--   is the key layout of lib/common.lua; a later version adds its steps here.
local found = tonumber(redis.call('HGET', KEYS[1], 'schema') or '0')
local code = tonumber(ARGV[1])
if found > code then return { 'newer', found } end
if found < code and ARGV[2] == '1' then redis.call('HSET', KEYS[1], 'schema', ARGV[1]) end
return { 'ok', found }
