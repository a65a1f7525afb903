-- stats: a queue's counts by state, throughput windows and recent finished jobs, in one atomic read.
--
-- KEYS[1..10]  the queue's keys, in the order of lib/common.lua (config, seq, ready, scheduled,
--              running, all, completed, failed, cancelled, idem)
-- KEYS[11]     the queue's kept samples (see lib/prune.lua)
-- ARGV[1]      job key prefix
-- ARGV[2]      now (ms)
-- ARGV[3]      sampleLimit: recent finished jobs per state
-- ARGV[4..]    window lengths (ms)
-- @returns [counts: [ready: number, scheduled: number, running: number, completed: number,
--     failed: number, cancelled: number], windows: number[], completed: FinishedSampleRow[],
--     failed: FinishedSampleRow[], config: HashFields, kept: string[]]
-- @use FinishedSampleRow, HashFields from replies
-- Returns: windows flat (completed, failed per window); the recent completed and failed jobs
--   (lib/samples.lua), the config hash and the kept samples
-- Events: none.
-- Guarantees: read-only; O(log n) per count (scheduled and ready jobs: per priority level). A
--   scheduled job due at now counts as ready even before a claim moved it, and a ready-set member
--   not due at now (moved by a claim whose clock runs ahead) counts as scheduled. A window counts
--   jobs with finishedAt >= now - window.
--! include lib/common.lua
--! include lib/samples.lua

local now = ARGV[2]
local scheduled, due = scheduledCounts(now)
local grouped, groupedDue = groupedCounts(now)
-- Ready-set members not due at now (a claim with a clock ahead moved them) count as scheduled.
local readyDue = readyDueAbove(nil, now)
local early = redis.call('ZCARD', K_READY) - readyDue
local counts = {
  readyDue + due + groupedDue,
  scheduled - due + grouped - groupedDue + early,
  redis.call('ZCARD', K_RUNNING),
  redis.call('ZCARD', K_FINAL.completed),
  redis.call('ZCARD', K_FINAL.failed),
  redis.call('ZCARD', K_FINAL.cancelled),
}
local windows = {}
for i = 4, #ARGV do
  local since = int(tonumber(now) - tonumber(ARGV[i]))
  windows[#windows + 1] = redis.call('ZCOUNT', K_FINAL.completed, since, '+inf')
  windows[#windows + 1] = redis.call('ZCOUNT', K_FINAL.failed, since, '+inf')
end
local limit = tonumber(ARGV[3])
return { counts, windows, recentFinished('completed', limit), recentFinished('failed', limit),
  redis.call('HGETALL', K_CONFIG), keptSamples(KEYS[11], limit) }
