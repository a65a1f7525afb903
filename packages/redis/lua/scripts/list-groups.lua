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
-- @returns [more: 0 | 1, ...groups: Array<string | number>]
-- Returns: more is 1 when a group follows the page; then per group in name order, flat: name,
--   ready, scheduled, running (numbers), weight (a string)
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
--   The smallest names above `after` are picked by bytes (not with Lua's `<`, which is strcoll
--   and follows the server's locale) through a max-heap of the names still needed, and counted
--   in order until limit + 1 groups are found (a stale stamp's name takes one more pick round):
--   one ZCARD and one ZCOUNT per level in TAG:glevels per group counted. Cost: O(stamps +
--   running + weights) names read, about one comparison per name per round, and
--   O((limit + stale) * levels * log n) for the counts.
--! include lib/common.lua
--! include lib/weights.lua

local now, after, limit = ARGV[2], ARGV[3], tonumber(ARGV[4])
local levels = redis.call('ZRANGE', K_GLEVELS, 0, -1)

local byte = string.byte

-- True when a sorts before b byte by byte (a shorter prefix first); reads 4 bytes a step.
local function byteLess(a, b)
  if a == b then return false end
  local i = 1
  while true do
    local a1, a2, a3, a4 = byte(a, i, i + 3)
    local b1, b2, b3, b4 = byte(b, i, i + 3)
    if a1 ~= b1 then return (a1 or -1) < (b1 or -1) end
    if a2 ~= b2 then return (a2 or -1) < (b2 or -1) end
    if a3 ~= b3 then return (a3 or -1) < (b3 or -1) end
    if a4 ~= b4 then return (a4 or -1) < (b4 or -1) end
    i = i + 4
  end
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

-- Every candidate name, once each (unsorted).
local function candidates(running, weights)
  local seen, names = {}, {}
  local function add(group)
    if group ~= DEFAULT_GROUP and not seen[group] then
      seen[group] = true
      names[#names + 1] = group
    end
  end
  for _, p in ipairs(levels) do
    for _, group in ipairs(redis.call('ZRANGE', turnsKey(p), 0, -1)) do add(group) end
  end
  for group in pairs(running) do add(group) end
  for i = 1, #weights, 2 do add(weights[i]) end
  return names
end

-- Restores the max-heap (by bytes) from position i up, or down.
local function siftUp(heap, i)
  while i > 1 and byteLess(heap[math.floor(i / 2)], heap[i]) do
    local up = math.floor(i / 2)
    heap[up], heap[i] = heap[i], heap[up]
    i = up
  end
end

local function siftDown(heap, i)
  while true do
    local top, l = i, 2 * i
    if heap[l] and byteLess(heap[top], heap[l]) then top = l end
    if heap[l + 1] and byteLess(heap[top], heap[l + 1]) then top = l + 1 end
    if top == i then return end
    heap[top], heap[i] = heap[i], heap[top]
    i = top
  end
end

-- The k smallest names above `from`, sorted by bytes: a max-heap of k keeps them, so a name that
-- cannot be among them costs one comparison (no sort of every name).
local function smallest(names, from, k)
  local heap = {}
  for _, name in ipairs(names) do
    if byteLess(from, name) then
      if #heap < k then
        heap[#heap + 1] = name
        siftUp(heap, #heap)
      elseif byteLess(name, heap[1]) then
        heap[1] = name
        siftDown(heap, 1)
      end
    end
  end
  table.sort(heap, byteLess)
  return heap
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
local names = candidates(running, weights)
-- Takes the next names in order, as many as the page still needs (a stale stamp's group, with
-- nothing, is skipped and the next names are taken), until limit + 1 groups are found.
local out, found, from = { 0 }, 0, after
while true do
  local wanted = limit + 1 - found
  local batch = smallest(names, from, wanted)
  for _, group in ipairs(batch) do
    local ready, scheduled = queuedOf(group)
    local runs, weight = running[group] or 0, weightOfGroup[group]
    if ready + scheduled + runs > 0 or weight then
      if found == limit then
        out[1] = 1
        return out
      end
      found = found + 1
      for _, v in ipairs({ group, ready, scheduled, runs, weight or '1' }) do out[#out + 1] = v end
    end
  end
  if #batch < wanted then return out end
  from = batch[#batch]
end
