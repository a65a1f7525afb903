-- list-groups: one page of a queue's named groups with their ready, scheduled and running jobs and
-- their weight, by name in byte order (listGroups), in one atomic read.
--
-- KEYS[1..10]  the queue's keys, in the order of lib/common.lua (config, seq, ready, scheduled,
--              running, all, completed, failed, cancelled, idem)
-- ARGV[1]      job key prefix
-- ARGV[2]      now (ms): a queued job with runAt <= now is ready, else scheduled
-- ARGV[3]      after: only names above it in byte order; '' for the first page (no named group
--              is '', so '' excludes nothing)
-- ARGV[4]      limit: most groups in the page (>= 1)
-- Returns: { more (1 when a group follows the page, else 0), then per group in name order:
--          name, ready, scheduled, running, weight }
-- Events: none.
-- Guarantees: read-only; one snapshot (one script). The groups are the named groups (never the
--   default group '') with a queued job (any level), a running job or a stored weight. No job is
--   read for its group to find them, except the running ones without a groupConcurrency:
--   - queued: every named group with a queued job at level p holds a stamp in TAG:turns:<p>
--     (lib/common.lua placeGrouped; a claim drops it with the group's last job there), so the
--     members of the turns of the levels in TAG:glevels name them all. A stamp may outlive its
--     group's jobs (a cancel or a removal leaves it): such a group is counted and left out
--     when it has nothing else.
--   - running: with a groupConcurrency, TAG:grun is exact (upsert-queue.lua); without one, the
--     running set is walked (one HGET per running job, O(running)).
--   - weights: the fields of TAG:gweights.
--   The names above `after` are sorted by bytes (not with Lua's `<`, which is strcoll and
--   follows the server's locale), then counted in order until limit + 1 groups are found: one
--   ZCARD and one ZCOUNT per level in TAG:glevels per group counted. Cost: O(stamps + running +
--   weights) names, a sort of those above `after`, and O((limit + stale) * levels * log n).
--! include lib/common.lua
--! include lib/weights.lua

local now, after, limit = ARGV[2], ARGV[3], tonumber(ARGV[4])
local levels = redis.call('ZRANGE', K_GLEVELS, 0, -1)

-- True when a sorts before b byte by byte (a shorter prefix first).
local function byteLess(a, b)
  if a == b then return false end
  local i = 1
  while string.byte(a, i) == string.byte(b, i) do i = i + 1 end
  return (string.byte(a, i) or -1) < (string.byte(b, i) or -1)
end

-- Named group -> its running jobs: TAG:grun under a groupConcurrency, else a walk of the running set.
local function runningByGroup()
  local running = {}
  if redis.call('HGET', K_CONFIG, 'groupConcurrency') then
    local counts = redis.call('HGETALL', K_GRUN)
    for i = 1, #counts, 2 do running[counts[i]] = tonumber(counts[i + 1]) end
    return running
  end
  for _, id in ipairs(redis.call('ZRANGE', K_RUNNING, 0, -1)) do
    local group = redis.call('HGET', jobKey(id), 'group')
    if group then running[group] = (running[group] or 0) + 1 end
  end
  return running
end

-- Every candidate name above `after`, sorted by bytes.
local function candidates(running, weights)
  local seen, names = {}, {}
  local function add(group)
    if group ~= DEFAULT_GROUP and not seen[group] and byteLess(after, group) then
      seen[group] = true
      names[#names + 1] = group
    end
  end
  for _, p in ipairs(levels) do
    for _, group in ipairs(redis.call('ZRANGE', turnsKey(p), 0, -1)) do add(group) end
  end
  for group in pairs(running) do add(group) end
  for i = 1, #weights, 2 do add(weights[i]) end
  table.sort(names, byteLess)
  return names
end

-- A named group's queued jobs at every level: ready at now, and scheduled.
local function queuedOf(group)
  local all, ready = 0, 0
  for _, p in ipairs(levels) do
    local key = gqKey(p, group)
    all = all + redis.call('ZCARD', key)
    ready = ready + redis.call('ZCOUNT', key, '-inf', now)
  end
  return ready, all - ready
end

local running = runningByGroup()
local weights = redis.call('HGETALL', K_GWEIGHTS)
local weightOfGroup = {}
for i = 1, #weights, 2 do weightOfGroup[weights[i]] = weights[i + 1] end
local out, found = { 0 }, 0
for _, group in ipairs(candidates(running, weights)) do
  local ready, scheduled = queuedOf(group)
  local runs, weight = running[group] or 0, weightOfGroup[group]
  if ready + scheduled + runs > 0 or weight then
    if found == limit then
      out[1] = 1
      break
    end
    found = found + 1
    for _, v in ipairs({ group, ready, scheduled, runs, weight or '1' }) do out[#out + 1] = v end
  end
end
return out
