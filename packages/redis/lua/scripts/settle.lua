-- settle: settles a worker's finished attempts, then claims into the freed slots, in one script:
-- the drain loop pays one round trip per batch, not two per job.
--
-- KEYS[1..10]  the queue's keys, in the order of lib/common.lua (config, seq, ready, scheduled,
--              running, all, completed, failed, cancelled, idem)
-- ARGV[1]      job key prefix
-- ARGV[2]      now (ms, the caller's clock)
-- ARGV[3..6]   how many completed, failed, cancel-acknowledged and released items follow
-- ARGV[7]      claim limit after the settles (0: no claim)
-- ARGV[8]      claiming worker id; ARGV[9] lease token base; ARGV[10] lease expiry (now + leaseMs)
-- ARGV[11..]   the items, in that order: completed (id, token, result JSON, startedAt or '');
--              failed (id, token, error JSON, retryAt or '', startedAt or ''); cancelled (id,
--              token, error JSON or '', startedAt or ''); released (id, token). A startedAt is
--              the handler's real start (a prefetched job), stored over the claim's.
-- @returns [settled: JobHash[], lost: string[], claimed: JobHash[], nextStartAt: string | null]
-- @use JobHash from replies
-- Returns: the settled jobs in item order, the lost ids, the claimed jobs in claim order, and the
--   next start's time when a rate limit held the claim back: the queue's rateLimit, or else a
--   groupRateLimit that left the claim short (lib/claim.lua; else null)
-- Events: none; core publishes them once the script returned.
-- Guarantees: atomic; each item is guarded by its lease token (lib/settle.lua) and a miss writes
--   nothing and lands in lost; the claim (lib/claim.lua) sees the slots the settles freed.
--! include lib/common.lua
--! include lib/weights.lua
--! include lib/settle.lua
--! include lib/group-holds.lua
--! include lib/claim.lua

local now = ARGV[2]
local settled, lost = {}, {}
local i = 11

local function keep(ok, id)
  if ok then settled[#settled + 1] = record(jobKey(id)) else lost[#lost + 1] = id end
end

-- Stores the handler's real start of a settled item that carries one.
local function stamp(ok, id, startedAt)
  if ok and startedAt ~= '' then redis.call('HSET', jobKey(id), 'startedAt', startedAt) end
  return ok
end

for _ = 1, tonumber(ARGV[3]) do
  keep(stamp(completeJob(ARGV[i], ARGV[i + 1], ARGV[i + 2], now), ARGV[i], ARGV[i + 3]), ARGV[i])
  i = i + 4
end
for _ = 1, tonumber(ARGV[4]) do
  keep(stamp(failJob(ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], now), ARGV[i], ARGV[i + 4]), ARGV[i])
  i = i + 5
end
for _ = 1, tonumber(ARGV[5]) do
  keep(stamp(ackCancel(ARGV[i], ARGV[i + 1], ARGV[i + 2], now), ARGV[i], ARGV[i + 3]), ARGV[i])
  i = i + 4
end
for _ = 1, tonumber(ARGV[6]) do
  keep(releaseJob(ARGV[i], ARGV[i + 1], now), ARGV[i])
  i = i + 2
end

local claimed = {}
local limit = tonumber(ARGV[7])
if limit > 0 then claimed = claimJobs(now, limit, ARGV[8], ARGV[9], ARGV[10]) end
return { settled, lost, claimed, RATE_NEXT_START }
