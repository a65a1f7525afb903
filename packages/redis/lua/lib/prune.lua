-- prune: deleting finished jobs and keeping their ETA samples (needs lib/common.lua).
--
-- K_SAMPLES (KEYS[11] of the scripts that include this) is the queue's kept samples: a zset with
-- score = finishedAt and member = the job's seq (15 digits, zero-padded, so equal finish times
-- sort by seq) followed by the JSON array [state, name, size or false, runAt, startedAt,
-- finishedAt, seq, priority, createdAt]. Only the prune path (prune-finished, remove-jobs)
-- writes it.
--
-- removeJob(id)                 deletes a job: every set of the queue but its state's set (the
--                               caller removes it from that), its hash and its idempotency key
-- keepSample(id)                keeps the job's sample when it is completed or failed and started
-- trimSamples(limit)            cuts K_SAMPLES to the newest `limit`

local K_SAMPLES = KEYS[11]

local function removeJob(id)
  local key = jobKey(id)
  local idem = redis.call('HGET', key, 'idempotencyKey')
  if idem and redis.call('HGET', K_IDEM, idem) == id then redis.call('HDEL', K_IDEM, idem) end
  redis.call('ZREM', K_ALL, id)
  redis.call('DEL', key)
end

local function keepSample(id)
  local f = redis.call('HMGET', jobKey(id), 'state', 'name', 'size', 'runAt', 'startedAt', 'finishedAt', 'seq', 'priority', 'createdAt')
  if (f[1] ~= 'completed' and f[1] ~= 'failed') or not f[5] or not f[6] then return end
  redis.call('ZADD', K_SAMPLES, f[6], string.format('%015d', tonumber(f[7])) .. cjson.encode(f))
end

local function trimSamples(limit)
  redis.call('ZREMRANGEBYRANK', K_SAMPLES, 0, -(limit + 1))
end
