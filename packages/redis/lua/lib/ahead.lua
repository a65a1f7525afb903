-- ahead: the first jobs ahead of a ready job in claim order, and their work (needs lib/common.lua).
--
-- Claim order is the ready set's order with the due scheduled jobs no claim moved yet merged in as
-- a claim would move them (same readyScore, ties by seq). Nothing is moved here.
--
-- firstAhead(f, m, now, want) -> members of the first `want` jobs ahead of the job with fields
--   f = { priority, runAt } and member m (want must not exceed the jobs ahead). Reads at most
--   `want` ready members due at `now` (lib/common.lua, clock skew) plus, per priority level at or
--   above the job's, at most `want` due members, and stops at the first level whose jobs are
--   already behind `want` others: O(want * (levels + log n)), whatever the queue's length.
-- workOf(members, workLimit, listJobs) -> work, jobs
--   work: flat name, count, sizedCount, sizeSum for the first workLimit members, names in order of
--   first appearance; jobs: flat name, size or '' per member when listJobs, else false.

local function seqOf(m)
  return tonumber(string.sub(m, 1, 15))
end

local function before(a, b)
  if a[1] ~= b[1] then return a[1] < b[1] end
  return a[3] < b[3]
end

local function collect(into, flat, priority)
  for i = 1, #flat, 2 do
    local score = priority and tonumber(readyScore(priority, flat[i + 1])) or tonumber(flat[i + 1])
    into[#into + 1] = { score, flat[i], seqOf(flat[i]) }
  end
end

-- The due members of level p that sort before the job (all of them for a higher level), at most want.
local function dueOfLevel(p, f, m, now, want)
  local due = redis.call('ZRANGEBYSCORE', levelKey(p), '-inf', now, 'WITHSCORES', 'LIMIT', 0, want)
  if tonumber(p) ~= tonumber(f[1]) then return due end
  local own, runAt, seq = {}, tonumber(f[2]), seqOf(m)
  for i = 1, #due, 2 do
    local r = tonumber(due[i + 1])
    if r < runAt or (r == runAt and seqOf(due[i]) < seq) then
      own[#own + 1] = due[i]
      own[#own + 1] = due[i + 1]
    end
  end
  return own
end

-- The ready-set members ahead of the job (fields f, member m) due at `now`, at most `want`, in
-- claim order: those above its level, then those of its level before it (due, as it is).
local function readyAheadOf(f, m, now, want)
  local picked = {}
  collect(picked, readyDueMembersAbove(f[1], now, want))
  if #picked >= want then return picked end
  local own = redis.call('ZRANGEBYSCORE', K_READY, levelStart(f[1]), readyScore(f[1], f[2]), 'WITHSCORES', 'LIMIT', 0, want - #picked + 1)
  for i = 1, #own, 2 do
    if own[i] == m then break end
    picked[#picked + 1] = { tonumber(own[i + 1]), own[i], seqOf(own[i]) }
  end
  return picked
end

local function firstAhead(f, m, now, want)
  if want <= 0 then return {} end
  local picked = readyAheadOf(f, m, now, want)
  local merged = false
  for _, p in ipairs(redis.call('ZREVRANGEBYSCORE', K_LEVELS, '+inf', f[1])) do
    -- Jobs of a higher priority than p (all ahead): past want of them, p's jobs cannot be first.
    local above, start = 0, tonumber(levelStart(p))
    for _, e in ipairs(picked) do
      if e[1] < start then above = above + 1 end
    end
    if above >= want then break end
    local due = dueOfLevel(p, f, m, now, want)
    if #due > 0 then
      collect(picked, due, p)
      merged = true
    end
  end
  if merged then table.sort(picked, before) end
  local members = {}
  for i = 1, math.min(want, #picked) do members[i] = picked[i][2] end
  return members
end

local function workOf(members, workLimit, listJobs)
  local byName, names, work = {}, {}, {}
  local jobs = listJobs and {} or false
  for i, m in ipairs(members) do
    local g = redis.call('HMGET', jobKey(memberId(m)), 'name', 'size')
    if i <= workLimit then
      local w = byName[g[1]]
      if not w then
        w = { 0, 0, 0 }
        byName[g[1]] = w
        names[#names + 1] = g[1]
      end
      w[1] = w[1] + 1
      if g[2] then w[2] = w[2] + 1; w[3] = w[3] + tonumber(g[2]) end
    end
    if jobs then jobs[#jobs + 1] = g[1]; jobs[#jobs + 1] = g[2] or '' end
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
