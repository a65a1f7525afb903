-- prune-finished: deletes one batch of a queue's jobs in one finished state, oldest first, and
-- keeps the ETA samples of the deleted completed and failed jobs.
--
-- KEYS[1..10]  the queue's keys, in the order of lib/common.lua
-- KEYS[11]     the queue's kept samples (see lib/prune.lua)
-- ARGV[1]      job key prefix
-- ARGV[2]      state: 'completed', 'failed' or 'cancelled' (anything else deletes nothing)
-- ARGV[3]      olderThan (ms) or '': only jobs finished before it
-- ARGV[4]      keep or '': how many of the newest selected jobs to skip
-- ARGV[5]      limit: most jobs to delete
-- ARGV[6]      sampleLimit: how many samples K_SAMPLES keeps
-- @returns number
-- Returns: how many jobs were deleted.
-- Events: none.
-- Guarantees: atomic; never touches a queued or running job. The selection is a score range on
--   the state's finish-time set, counted (ZCOUNT) to leave the newest `keep`: O(log n + limit).
--   Equal finish times are ordered by job id there, not by seq.
--! include lib/common.lua
--! include lib/prune.lua

local set = K_FINAL[ARGV[2]]
if not set then return 0 end
local upper = ARGV[3] == '' and '+inf' or '(' .. ARGV[3]
local keep = ARGV[4] == '' and 0 or tonumber(ARGV[4])
local n = math.min(tonumber(ARGV[5]), redis.call('ZCOUNT', set, '-inf', upper) - keep)
if n <= 0 then return 0 end
local ids = redis.call('ZRANGEBYSCORE', set, '-inf', upper, 'LIMIT', 0, n)
for _, id in ipairs(ids) do
  keepSample(id)
  redis.call('ZREM', set, id)
  removeJob(id)
end
trimSamples(tonumber(ARGV[6]))
return #ids
