-- import-jobs: writes whole jobs as an export carried them (an import or a move), all or none.
--
-- KEYS[1..10]  the queue's keys, in the order of lib/common.lua (config, seq, ready, scheduled,
--              running, all, completed, failed, cancelled, idem)
-- ARGV[1]      job key prefix
-- ARGV[2]      now (ms): decides whether a queued job is ready (runAt <= now) or scheduled
-- ARGV[3]      onConflict: 'fail', 'skip' or 'replace'
-- ARGV[4]      how many jobs follow
-- ARGV[5..]    per job: id, state (never running), priority, runAt, finishedAt or '',
--              idempotency key prefixed with '=' or '', n, then n field/value pairs: the job
--              hash's fields (every non-null field but seq, named as in JobRecord)
-- @returns [tag: 'ok', imported: number, skipped: number, replaced: number]
--   | [tag: 'conflict', index: number, by: 'id' | 'idempotencyKey', storedId: string,
--      storedState: string, reason: 'exists' | 'running']
-- Returns: 'ok' with the counts; 'conflict' (index 0-based in the call, the stored job's id and
--   state) when a conflict must fail the call: nothing written
-- Events: none; core's importJobs publishes the wake-up through the notifier after the call.
-- Guarantees: atomic; every conflict is decided before the first write, in the rules of core's
--   planImport: a conflict is a stored job of this queue with the id, or with the idempotency key,
--   or an earlier job of the call; 'skip' keeps it, 'replace' removes it (never a running one),
--   'fail' writes nothing. Each job gets seq = INCR in the order given, joins the all set, its
--   idempotency key, and the set of its state: ready or scheduled when queued (its group's sets
--   when the job hash has a `group`, joining the turns as an add would), the finish-time set
--   of its final state otherwise (so statistics and ETA samples count it). maxSize, draining and
--   paused are not checked. Creates the queue's config when missing.
--! include lib/common.lua

local now, mode, count = ARGV[2], ARGV[3], tonumber(ARGV[4])
local jobs, writes = {}, {}
local pendingById, pendingByKey, removed, keyGone = {}, {}, {}, {}
local skipped, replaced = 0, 0

-- Reads the jobs' fixed arguments; the hash fields stay in ARGV (base, n).
local at = 5
for j = 1, count do
  local idem = ARGV[at + 5]
  jobs[j] = { id = ARGV[at], state = ARGV[at + 1], priority = ARGV[at + 2], runAt = ARGV[at + 3],
    finishedAt = ARGV[at + 4], key = idem ~= '' and string.sub(idem, 2) or false, base = at + 7,
    n = tonumber(ARGV[at + 6]) }
  at = at + 7 + 2 * jobs[j].n
end

local function holderById(id)
  local p = pendingById[id]
  if p then return { id = id, pending = p, state = jobs[p].state } end
  if removed[id] then return nil end
  local state = redis.call('HGET', jobKey(id), 'state')
  if state then return { id = id, state = state } end
  return nil
end

local function holderByKey(key)
  local pid = pendingByKey[key]
  if pid then return holderById(pid) end
  if keyGone[key] then return nil end
  local sid = redis.call('HGET', K_IDEM, key)
  if sid and not removed[sid] then return holderById(sid) end
  return nil
end

local function pend(j)
  writes[j] = true
  pendingById[jobs[j].id] = j
  if jobs[j].key then pendingByKey[jobs[j].key] = jobs[j].id end
end

local function displace(h)
  if h.pending then
    writes[h.pending] = nil
    pendingById[h.id] = nil
    local k = jobs[h.pending].key
    if k and pendingByKey[k] == h.id then pendingByKey[k] = nil end
  else
    removed[h.id] = true
    local k = redis.call('HGET', jobKey(h.id), 'idempotencyKey')
    if k then keyGone[k] = true end
  end
end

-- Pass 1, before any write: decides each job; returns a conflict reply, or nil.
local function decide()
  for j = 1, count do
    local job = jobs[j]
    local met = {}
    local byId = holderById(job.id)
    if byId then met[#met + 1] = { byId, 'id' } end
    local byKey = job.key and holderByKey(job.key)
    if byKey and (not byId or byKey.id ~= byId.id) then met[#met + 1] = { byKey, 'idempotencyKey' } end
    if #met == 0 then
      pend(j)
    elseif mode == 'skip' then
      skipped = skipped + 1
    else
      local stored = false
      for _, m in ipairs(met) do
        local h = m[1]
        if mode == 'fail' then return { 'conflict', j - 1, m[2], h.id, h.state, 'exists' } end
        if h.state == 'running' then return { 'conflict', j - 1, m[2], h.id, h.state, 'running' } end
        if not h.pending then stored = true end
      end
      if stored then replaced = replaced + 1 end
      for _, m in ipairs(met) do displace(m[1]) end
      pend(j)
    end
  end
  return nil
end

-- Removes a stored job (never running) from its hash, its key and every set.
local function removeStored(id)
  local key = jobKey(id)
  local f = redis.call('HMGET', key, 'state', 'idempotencyKey')
  if f[1] == 'queued' then unplaceQueued(key, id) elseif K_FINAL[f[1]] then redis.call('ZREM', K_FINAL[f[1]], id) end
  if f[2] and redis.call('HGET', K_IDEM, f[2]) == id then redis.call('HDEL', K_IDEM, f[2]) end
  redis.call('ZREM', K_ALL, id)
  redis.call('DEL', key)
end

local function write(job)
  local key = jobKey(job.id)
  local seq = redis.call('INCR', K_SEQ)
  local fields = {}
  for i = job.base, job.base + 2 * job.n - 1 do fields[#fields + 1] = ARGV[i] end
  -- Last, so no field of the line can stand for it (HSET keeps the last value of a field).
  fields[#fields + 1] = 'seq'
  fields[#fields + 1] = seq
  redis.call('HSET', key, unpack(fields))
  redis.call('ZADD', K_ALL, seq, job.id)
  if job.key then redis.call('HSET', K_IDEM, job.key, job.id) end
  if job.state == 'queued' then
    place(job.id, seq, job.priority, job.runAt, now, redis.call('HGET', key, 'group'))
  else
    redis.call('ZADD', K_FINAL[job.state], job.finishedAt, job.id)
  end
end

local conflict = decide()
if conflict then return conflict end
for id in pairs(removed) do removeStored(id) end
if not redis.call('HGET', K_CONFIG, 'paused') then redis.call('HSET', K_CONFIG, 'paused', '0') end
local imported = 0
for j = 1, count do
  if writes[j] then
    write(jobs[j])
    imported = imported + 1
  end
end
return { 'ok', imported, skipped, replaced }
