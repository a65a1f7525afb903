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
-- ARGV[6]      aheadWorkLimit: group the work of at most this many jobs ahead, the first in claim order
-- ARGV[7]      dueAheadLimit: list at most this many scheduled jobs that outrank the job (0: none)
-- @returns [tag: 'missing'] | [tag: 'ok', job: JobHash, rank: number | null, aheadWorkOf: number,
--     aheadWork: Array<string | number>, aheadJobs: string[] | null, running: RunningSampleRow[],
--     completed: FinishedSampleRow[], failed: FinishedSampleRow[], config: HashFields,
--     kept: string[], grouped: [GroupedInputsReply, GroupedAheadReply] | null,
--     standing: [group: string, rank: number, running: number, higher: number, starts: string[] | null] | null,
--     dueAhead: string[]]
-- @use FinishedSampleRow, HashFields, JobHash, RunningSampleRow from replies
-- @use GroupedAheadReply, GroupedInputsReply from group-position
-- Returns: 'missing' for an unknown id. Else rank is null unless the job is queued and ready;
--          aheadWorkOf is how many jobs ahead the work covers (min(rank, aheadWorkLimit), 0
--          without a rank); aheadWork is flat (name, count, sizedCount, sizeSum per name, over
--          the first aheadWorkOf jobs ahead); aheadJobs is flat (name, size or '' per job, in
--          claim order) when rank <= aheadListLimit, else null; then the running samples, recent
--          completed and failed (lib/samples.lua), the config hash and the kept samples. In a
--          grouped queue rank, aheadWorkOf, aheadWork and aheadJobs are null/0/empty and
--          `grouped` is { inputs (lib/group-position.lua flatInputs), ahead (lib/group-ahead.lua
--          groupAhead) } when the job is queued and ready, else null. `standing` is set when the
--          queue is grouped and the job is queued, ready and of a named group (rank: its group's
--          ready jobs at its level before it; running: the group's running jobs at every level;
--          higher: its ready jobs at the levels above, counted to at most aheadWorkLimit;
--          starts: under a groupRateLimit, the group's logged starts after now -
--          groupRateIntervalMs, oldest first, else null), else null. `dueAhead` is flat (name,
--          size or '', runAt per job): the queue's scheduled jobs (runAt > now) of a higher
--          priority than the job's, grouped or not, the first dueAheadLimit by (runAt, seq)
--          (lib/scheduled-above.lua), when the job is queued and ready; else empty.
-- Events: none.
-- Guarantees: one consistent read; only the job itself may move (to the ready set, when it is due
--   and still scheduled), as in position. The rank is exact and O(levels * log n) (lib/common.lua
--   readyRank). The jobs ahead are read only as far as max(aheadWorkLimit, aheadListLimit), the
--   due jobs no claim moved yet merged in claim order (lib/ahead.lua firstAhead), so the script
--   costs the same at the back of 100,000 jobs as at 1,000. The group's running jobs are its
--   TAG:grun count while the queue has a groupConcurrency (exact then, lib/claim.lua), else
--   counted on the running set (one HGET per running job, as runningSamples reads each). The
--   group's starts are read, not trimmed (one ZRANGEBYSCORE of at most groupRateMax entries once
--   the claims trimmed the log). dueAhead reads, per level above the job's that has scheduled
--   jobs (ungrouped, and of named groups), at most dueAheadLimit members after now, then one
--   HMGET per listed job: bounded by the levels and the limit, never by the scheduled jobs of
--   the job's level or below (lib/scheduled-above.lua).
--! include lib/common.lua
--! include lib/weights.lua
--! include lib/samples.lua
--! include lib/ahead.lua
--! include lib/group-position.lua
--! include lib/group-ahead.lua
--! include lib/scheduled-above.lua

local id, now = ARGV[2], ARGV[3]
local listLimit, sampleLimit, workLimit = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local dueLimit = tonumber(ARGV[7])
local key = jobKey(id)
local job = record(key)
if not job then return { 'missing' } end
-- A named group's running jobs, at every level.
local function groupRunning(group)
  if redis.call('HEXISTS', K_CONFIG, 'groupConcurrency') == 1 then return tonumber(redis.call('HGET', K_GRUN, group) or '0') end
  local n = 0
  for _, running in ipairs(redis.call('ZRANGE', K_RUNNING, 0, -1)) do
    if redis.call('HGET', jobKey(running), 'group') == group then n = n + 1 end
  end
  return n
end

-- A named group's ready jobs at the levels above `p` (one ZCOUNT per such level of named groups), to at most `bound`.
local function groupReadyAbove(group, p, bound)
  local n = 0
  for _, level in ipairs(redis.call('ZRANGEBYSCORE', K_GLEVELS, '(' .. p, '+inf')) do
    if n >= bound then break end
    n = n + redis.call('ZCOUNT', gqKey(level, group), '-inf', now)
  end
  return math.min(n, bound)
end

-- A named group's starts inside the window of the queue's groupRateLimit at now, or false without one.
local function groupStarts(group)
  local cfg = redis.call('HMGET', K_CONFIG, 'groupRateMax', 'groupRateIntervalMs')
  if not cfg[1] or not cfg[2] then return false end
  local starts = {}
  local log = redis.call('ZRANGEBYSCORE', grateKey(group), '(' .. int(tonumber(now) - tonumber(cfg[2])), '+inf', 'WITHSCORES')
  for i = 2, #log, 2 do starts[#starts + 1] = log[i] end
  return starts
end

local grouped, rank, standing, due = false, false, false, {}
if isGrouped() then
  local input = groupInputs(key, id, now)
  if input then
    grouped = { flatInputs(input), groupAhead(input, now, listLimit, workLimit) }
    due = scheduledAbove(input.p, now, dueLimit)
  end
  if input and input.group ~= DEFAULT_GROUP then
    standing = { input.group, input.rank, groupRunning(input.group), groupReadyAbove(input.group, input.p, workLimit), groupStarts(input.group) }
  end
else
  rank = readyRank(key, id, now)
end

local covered, work, aheadJobs = 0, {}, false
if rank then
  local f = redis.call('HMGET', key, 'priority', 'runAt', 'seq')
  local members = firstAhead(f, member(f[3], id), now, math.min(rank, math.max(workLimit, listLimit)))
  covered = math.min(rank, workLimit, #members)
  work, aheadJobs = workOf(members, covered, rank <= listLimit)
  due = scheduledAbove(f[1], now, dueLimit)
end

return { 'ok', job, rank, covered, work, aheadJobs, runningSamples(), recentFinished('completed', sampleLimit),
  recentFinished('failed', sampleLimit), redis.call('HGETALL', K_CONFIG), keptSamples(KEYS[11], sampleLimit), grouped, standing, due }
