-- migrate: brings a prefix's schema version to the code's, or reports a newer one; keeps the
-- prefix's epoch, the random id that tells a storage its data is still the data it saw.
--
-- KEYS[1]      the prefix's meta hash ('prefix:meta'), fields `schema` and `epoch`
-- ARGV[1]      the code's schema version
-- ARGV[2]      '1' to write the version when it is older, '0' only to read it
-- ARGV[3]      a fresh random id: the epoch to write when the prefix has none
-- @returns [tag: 'ok', found: number, epoch: string] | [tag: 'newer', found: number, epoch: '']
-- Returns: 'ok' with the version found (written when asked and older) and the epoch (written when
--   missing and the prefix is, or is now, at the code's version; '' when neither); 'newer'
--   (nothing written)
-- Events: none.
-- Guarantees: atomic, so two processes migrating at once both succeed, write once and get the same
--   epoch. A prefix without an epoch (empty, wiped by a restart without persistence or FLUSHALL,
--   or written by code older than epochs) gets one here; nothing else writes or removes it. Version
--   1 is the key layout of lib/common.lua without groups; version 2 adds the group keys (config
--   `grouped`, gq, glvl, glevels, turns, tseq), which need no step: they appear on first use, and
--   the version keeps code that ignores them off a prefix that may hold them. Version 3 adds the
--   per-group running counts (grun, a lease's job field `grun`, config `groupConcurrency` and
--   `groupMaxWaiting`): no step either, since upsert-queue.lua counts a queue's running jobs
--   when it first sets the cap (no queue had one before), and older code, which would not take
--   its leases off the counts, must stay off. The group weights (gweights, tused:<p>,
--   lib/weights.lua) raise no version: absent they read as weight 1 and used 0, so they need no
--   step, and code of version 3 beside them only ignores the weights (its claims serve one job
--   per group and round, as before) and leaves nothing wrong behind: a used count is tied to the
--   stamp it was counted under, so the stamps that code renews or drops start their rounds at 0.
--   The group rate limit (config `groupRateMax`, `groupRateIntervalMs`, grate:<group>, grates,
--   lib/group-holds.lua) raises none either: new keys only, which code of version 3 ignores (its
--   claims do not enforce the limit nor log their starts, which only lets a group start more).
local found = tonumber(redis.call('HGET', KEYS[1], 'schema') or '0')
local code = tonumber(ARGV[1])
if found > code then return { 'newer', found, '' } end
if found < code and ARGV[2] == '1' then redis.call('HSET', KEYS[1], 'schema', ARGV[1]) end
local epoch = redis.call('HGET', KEYS[1], 'epoch')
if not epoch and (found == code or ARGV[2] == '1') then
  epoch = ARGV[3]
  redis.call('HSET', KEYS[1], 'epoch', epoch)
end
return { 'ok', found, epoch or '' }
