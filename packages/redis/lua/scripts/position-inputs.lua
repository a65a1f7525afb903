-- position-inputs: everything a job's position and ETA are computed from, in one atomic read.
--
-- KEYS[1..10]  the queue's keys, in the order of lib/common.lua (config, seq, ready, scheduled,
--              running, all, completed, failed, cancelled, idem)
-- KEYS[11]     the queue's kept samples (see lib/prune.lua)
-- ARGV[1]      job key prefix
-- ARGV[2]      job id
-- ARGV[3]      now (ms)
-- ARGV[4]      aheadListLimit: list the jobs ahead one by one when there are at most this many
-- ARGV[5]      sampleLimit: recent finished jobs per state
-- ARGV[6]      scanLimit: read the work ahead here only when at most this many jobs are ahead
-- Returns: { 'missing' } for an unknown id, else { 'ok', record, rank or false (false unless queued
--          and ready), aheadWork (flat: name, count, sizedCount, sizeSum per name), aheadJobs
--          (flat: name, size or '' per job, in claim order) or false; aheadWork is false when
--          more than scanLimit jobs are ahead (the caller reads it with ahead-work); running samples, recent
--          completed, recent failed, config (HGETALL), the rank in the ready set alone or false,
--          kept samples }
-- Events: none.
-- Guarantees: one consistent read (plus moving at most scanLimit due jobs per level to the ready
--   set). The rank is exact and O(levels * log n) (lib/common.lua readyRank); the work ahead is O(ahead) (name and size of each job ahead), so it is read here
--   only up to scanLimit jobs, and the script stays short however long the queue.
--! include lib/common.lua
--! include lib/samples.lua
--! include lib/ahead.lua

local id, now = ARGV[2], ARGV[3]
local listLimit, sampleLimit, scanLimit = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local key = jobKey(id)
local job = record(key)
if not job then return { 'missing' } end
-- Moving up to scanLimit due jobs per level makes the ready set hold every job ahead whenever at
-- most scanLimit are ahead (a due job left behind has scanLimit moved jobs of its level ahead).
promoteDue(now, scanLimit)
local rank, readyAhead = readyRank(key, id, now)

local work, aheadJobs = {}, false
if rank and rank <= scanLimit then
  work, aheadJobs = workIn(0, rank - 1, rank <= listLimit)
elseif rank then
  work = false
end

return { 'ok', job, rank, work, aheadJobs, runningSamples(), recentFinished('completed', sampleLimit),
  recentFinished('failed', sampleLimit), redis.call('HGETALL', K_CONFIG), readyAhead or false,
  keptSamples(KEYS[11], sampleLimit) }
