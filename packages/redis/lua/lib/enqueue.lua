-- enqueue: the batch add shared by enqueue.lua and schedule-fire.lua (which enqueues a tick's job in
-- the same script as its compare-and-set). Needs lib/common.lua included first. What it checks,
-- writes and returns is stated in scripts/enqueue.lua's header; it writes nothing unless it
-- returns 'ok'.

local ENQUEUE_FIELDS = 13

-- The first new job (`fresh`: their 0-based indexes in the batch, ascending) that takes its named
-- group past `max` queued jobs (the group's stored ones, one ZCARD per level, plus the batch's
-- earlier new jobs of the group): the 'groupFull' reply, or nil. Ungrouped jobs never count.
local function groupFull(A, first, fresh, max)
  local counts = {}
  for _, j in ipairs(fresh) do
    local group = A[first + j * ENQUEUE_FIELDS + 12]
    if group ~= '' then
      group = string.sub(group, 2)
      local n = (counts[group] or groupQueued(group)) + 1
      if n > max then return { 'groupFull', { group, int(max), j } } end
      counts[group] = n
    end
  end
  return nil
end

-- The seq of job `id` when it is stored as an add at `now` of `name` and `payload` wrote it (the
-- same call sent again: ids are random per add, so a stored job that matches them all is that
-- add's), else false.
local function resentSeq(id, name, payload, now)
  local f = redis.call('HMGET', jobKey(id), 'createdAt', 'name', 'payload', 'seq')
  if f[1] == now and f[2] == name and f[3] == payload then return tonumber(f[4]) end
  return false
end

-- Writes `count` jobs whose fields start at A[first] (ENQUEUE_FIELDS per job, in the order of
-- enqueue.lua's 4th argument on) at time `now`. Returns the reply enqueue.lua documents.
local function enqueueJobs(A, first, count, now)
  local FIELDS = ENQUEUE_FIELDS
  local outcome, fresh, ids, keysInBatch = {}, {}, {}, {}

  -- Pass 1, before any write: which jobs are new, which match an idempotency key (stored or earlier
  -- in this batch), and whether an id repeats. Returns the repeated id, or nil.
  local function sortOut()
    for j = 0, count - 1 do
      local base = first + j * FIELDS
      local id, idem = A[base], A[base + 9]
      local known = false
      if idem ~= '' then
        known = keysInBatch[idem]
        if not known then
          known = redis.call('HGET', K_IDEM, string.sub(idem, 2))
          -- A key whose job is gone (a hash deleted by hand or evicted) matches nothing: the new
          -- job is inserted and takes the key over.
          if known and redis.call('EXISTS', jobKey(known)) == 0 then known = false end
        end
      end
      local resent = not known and not ids[id] and resentSeq(id, A[base + 1], A[base + 2], now)
      if known then
        outcome[j + 1] = known
      elseif resent then
        -- This very add ran before and its reply was lost (the client sends a command again
        -- after a reconnect): answered as then, its job inserted, nothing written again.
        ids[id] = true
        outcome[j + 1] = resent
      else
        if ids[id] or redis.call('EXISTS', jobKey(id)) == 1 then return id end
        ids[id] = true
        if idem ~= '' then keysInBatch[idem] = id end
        fresh[#fresh + 1] = j
        outcome[j + 1] = true
      end
    end
    return nil
  end

  -- One read of the config: nothing below writes it before the checks are done.
  local config = redis.call('HMGET', K_CONFIG, 'maxSize', 'paused', 'groupMaxWaiting', 'draining', 'grouped')
  if config[4] == '1' then return { 'draining', '' } end

  local repeated = sortOut()
  if repeated then return { 'duplicate', repeated } end

  local maxSize = config[1]
  if maxSize and #fresh > 0 then
    local waiting = redis.call('ZCARD', K_READY) + scheduledCounts('-inf') + groupedCounts('-inf')
    if waiting + #fresh > tonumber(maxSize) then return { 'full', maxSize } end
  end
  if config[3] then
    local full = groupFull(A, first, fresh, tonumber(config[3]))
    if full then return full end
  end
  if not config[2] then redis.call('HSET', K_CONFIG, 'paused', '0') end

  -- The fields given (nullable ones only when set), in one HSET.
  local OPTIONAL = { { 6, 'backoff' }, { 7, 'timeoutMs' }, { 8, 'size' }, { 10, 'traceparent' }, { 11, 'webhook' } }
  -- Whether the queue is grouped; a grouped job makes it so (placeGrouped).
  local grouped = config[5] == '1'
  local function write(base)
    local id = A[base]
    local key = jobKey(id)
    local seq = redis.call('INCR', K_SEQ)
    local fields = { 'id', id, 'name', A[base + 1], 'payload', A[base + 2], 'state', 'queued',
      'priority', A[base + 3], 'runAt', A[base + 4], 'seq', seq, 'attempt', '0',
      'maxAttempts', A[base + 5], 'createdAt', now }
    for _, o in ipairs(OPTIONAL) do
      local value = A[base + o[1]]
      if value ~= '' then fields[#fields + 1] = o[2]; fields[#fields + 1] = value end
    end
    local idem = A[base + 9]
    if idem ~= '' then
      idem = string.sub(idem, 2)
      fields[#fields + 1] = 'idempotencyKey'
      fields[#fields + 1] = idem
      redis.call('HSET', K_IDEM, idem, id)
    end
    local group = A[base + 12]
    if group ~= '' then
      group = string.sub(group, 2)
      fields[#fields + 1] = 'group'
      fields[#fields + 1] = group
    else
      group = false
    end
    redis.call('HSET', key, unpack(fields))
    redis.call('ZADD', K_ALL, seq, id)
    place(id, seq, A[base + 3], A[base + 4], now, group, grouped)
    if group then grouped = true end
    return seq
  end

  for _, j in ipairs(fresh) do
    outcome[j + 1] = write(first + j * FIELDS)
  end
  for j = 1, count do
    local o = outcome[j]
    if type(o) == 'string' then outcome[j] = record(jobKey(o)) end
  end
  return { 'ok', outcome }
end
