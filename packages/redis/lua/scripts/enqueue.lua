-- enqueue: writes a batch of new jobs into one queue, all or none.
--
-- KEYS[1..10]  the queue's keys, in the order of lib/common.lua (config, seq, ready, scheduled,
--              running, all, completed, failed, cancelled, idem)
-- ARGV[1]      job key prefix
-- ARGV[2]      now (ms): createdAt, and what decides ready (runAt <= now) or scheduled
-- ARGV[3]      how many jobs follow
-- ARGV[4..]    12 per job: id, name, payload JSON, priority, runAt, maxAttempts, backoff JSON or '',
--              timeoutMs or '', size or '', idempotency key prefixed with '=' or '' for none,
--              traceparent or '' (stored as the job's `traceparent` field, absent meaning null),
--              webhook JSON or '' (stored as the job's `webhook` field, absent meaning null)
-- Returns: { 'ok', per job: the new seq (inserted) or the stored record (idempotency key matched) }
--          { 'duplicate', id } when an id is repeated in the batch or already stored: nothing written
--          { 'full', maxSize } when the new jobs would take the waiting count past maxSize: nothing written
--          { 'draining', '' } when the queue's config has draining = '1': nothing written
-- Events: none; core publishes job:added and the `added` wake-up once the script returned.
-- Guarantees: atomic; validation happens before the first write. A draining queue refuses every
--   batch, whatever its idempotency keys. maxSize counts queued jobs
--   (ready and scheduled) only, and only jobs actually inserted: a matched idempotency key adds
--   nothing, so a full queue does not refuse it. Creates the queue's config when missing.
--! include lib/common.lua

local now = ARGV[2]
local count = tonumber(ARGV[3])
local FIELDS = 12
local outcome, fresh, ids, keysInBatch = {}, {}, {}, {}

-- Pass 1, before any write: which jobs are new, which match an idempotency key (stored or earlier
-- in this batch), and whether an id repeats. Returns the repeated id, or nil.
local function sortOut()
  for j = 0, count - 1 do
    local base = 4 + j * FIELDS
    local id, idem = ARGV[base], ARGV[base + 9]
    local known = false
    if idem ~= '' then
      known = keysInBatch[idem] or redis.call('HGET', K_IDEM, string.sub(idem, 2))
    end
    if known then
      outcome[j + 1] = known
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

if redis.call('HGET', K_CONFIG, 'draining') == '1' then return { 'draining', '' } end

local repeated = sortOut()
if repeated then return { 'duplicate', repeated } end

local config = redis.call('HMGET', K_CONFIG, 'maxSize', 'paused')
local maxSize = config[1]
if maxSize and #fresh > 0 then
  local waiting = redis.call('ZCARD', K_READY) + scheduledCounts('-inf')
  if waiting + #fresh > tonumber(maxSize) then return { 'full', maxSize } end
end
if not config[2] then redis.call('HSET', K_CONFIG, 'paused', '0') end

-- The fields given (nullable ones only when set), in one HSET.
local OPTIONAL = { { 6, 'backoff' }, { 7, 'timeoutMs' }, { 8, 'size' }, { 10, 'traceparent' }, { 11, 'webhook' } }
local function write(base)
  local id = ARGV[base]
  local key = jobKey(id)
  local seq = redis.call('INCR', K_SEQ)
  local fields = { 'id', id, 'name', ARGV[base + 1], 'payload', ARGV[base + 2], 'state', 'queued',
    'priority', ARGV[base + 3], 'runAt', ARGV[base + 4], 'seq', seq, 'attempt', '0',
    'maxAttempts', ARGV[base + 5], 'createdAt', now }
  for _, o in ipairs(OPTIONAL) do
    local value = ARGV[base + o[1]]
    if value ~= '' then fields[#fields + 1] = o[2]; fields[#fields + 1] = value end
  end
  local idem = ARGV[base + 9]
  if idem ~= '' then
    idem = string.sub(idem, 2)
    fields[#fields + 1] = 'idempotencyKey'
    fields[#fields + 1] = idem
    redis.call('HSET', K_IDEM, idem, id)
  end
  redis.call('HSET', key, unpack(fields))
  redis.call('ZADD', K_ALL, seq, id)
  place(id, seq, ARGV[base + 3], ARGV[base + 4], now)
  return seq
end

for _, j in ipairs(fresh) do
  outcome[j + 1] = write(4 + j * FIELDS)
end
for j = 1, count do
  local o = outcome[j]
  if type(o) == 'string' then outcome[j] = record(jobKey(o)) end
end
return { 'ok', outcome }
