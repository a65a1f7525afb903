-- position-inputs: everything a job's position and ETA are computed from, in one atomic read.
--
-- KEYS[1..10]  the queue's keys, in the order of lib/common.lua (config, seq, ready, scheduled,
--              running, all, completed, failed, cancelled, idem)
-- ARGV[1]      job key prefix
-- ARGV[2]      job id
-- ARGV[3]      now (ms)
-- ARGV[4]      aheadListLimit: list the jobs ahead one by one when there are at most this many
-- ARGV[5]      sampleLimit: recent finished jobs per state
-- Returns: { 'missing' } for an unknown id, else { 'ok', record, rank or false (false unless queued
--          and ready), aheadWork (flat: name, count, sizedCount, sizeSum per name), aheadJobs
--          (flat: name, size or '' per job, in claim order) or false, running samples, recent
--          completed, recent failed, config (HGETALL) }
-- Events: none.
-- Guarantees: one consistent read (plus the due-job move of lib/common.lua promoteDue). The rank
--   is O(log n); the work ahead is O(ahead): it reads name and size of each job ahead.
--! include lib/common.lua
--! include lib/samples.lua

local id, now = ARGV[2], ARGV[3]
local listLimit, sampleLimit = tonumber(ARGV[4]), tonumber(ARGV[5])
local key = jobKey(id)
local job = record(key)
if not job then return { 'missing' } end
local f = redis.call('HMGET', key, 'state', 'runAt', 'seq')
local rank = false
if f[1] == 'queued' and tonumber(f[2]) <= tonumber(now) then
  promoteDue(now)
  rank = redis.call('ZRANK', K_READY, member(f[3], id)) or false
end

-- The work ahead grouped by name (flat: name, count, sizedCount, sizeSum), and each job ahead in
-- claim order (flat: name, size or '') when there are at most listLimit of them, else false.
local function aheadOf(count)
  local byName, names, work = {}, {}, {}
  local jobs = count <= listLimit and {} or false
  for start = 0, count - 1, 1000 do
    for _, m in ipairs(redis.call('ZRANGE', K_READY, start, math.min(start + 999, count - 1))) do
      local g = redis.call('HMGET', jobKey(memberId(m)), 'name', 'size')
      local w = byName[g[1]]
      if not w then
        w = { 0, 0, 0 }
        byName[g[1]] = w
        names[#names + 1] = g[1]
      end
      w[1] = w[1] + 1
      if g[2] then w[2] = w[2] + 1; w[3] = w[3] + tonumber(g[2]) end
      if jobs then jobs[#jobs + 1] = g[1]; jobs[#jobs + 1] = g[2] or '' end
    end
  end
  for _, name in ipairs(names) do
    local w = byName[name]
    work[#work + 1] = name
    work[#work + 1] = int(w[1])
    work[#work + 1] = int(w[2])
    work[#work + 1] = string.format('%.17g', w[3])
  end
  return work, jobs
end

local work, aheadJobs = {}, false
if rank then work, aheadJobs = aheadOf(rank) end

return { 'ok', job, rank, work, aheadJobs, runningSamples(), recentFinished('completed', sampleLimit),
  recentFinished('failed', sampleLimit), redis.call('HGETALL', K_CONFIG) }
