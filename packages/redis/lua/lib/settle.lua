-- settle: the transitions out of running that a worker reports (needs lib/common.lua).
-- Each function checks the lease guard first and writes nothing on a miss (returns false);
-- otherwise it returns true and the job is in its new state, its lease off its group's running
-- count when one held it (lib/common.lua dropLease).
--
-- completeJob: running -> completed; result stored, finishedAt = now, lease cleared, worker kept.
-- failJob:     running -> cancelled (a cancel was requested: it wins over a retry), queued at
--              retryAt (the back of its priority level; finishedAt cleared), or failed
--              (retryAt = ''); the attempt's error is stored in every case.
-- ackCancel:   running -> cancelled; the error is stored when given ('' keeps the previous one).
-- releaseJob:  running -> queued with runAt unchanged (it keeps its place) and attempt - 1 (never
--              below 0), or cancelled when a cancel was requested.
--
-- A settle sent again: ioredis sends a command once more after a reconnect when its reply was
-- lost, with the same arguments, so the second run finds the job already moved by the first and
-- its lease gone. Before calling that a guard miss (a false LeaseLostError, the job's events never
-- emitted), each function checks whether the job stands exactly as this very call left it: ended
-- at this call's `now` in the state it asked for with the result or error it sent, or queued again
-- at the retry time with that error. A job another worker has claimed since is running and misses.

-- True when the job ended at `now` in one of `states` (a set) with `field` holding `value` (the
-- result or error this call sent; no check when field is nil): this call's own earlier run.
local function endedByThisCall(key, now, states, field, value)
  local f = redis.call('HMGET', key, 'state', 'finishedAt', field or 'state')
  return states[f[1]] == true and f[2] == now and (field == nil or f[3] == value)
end

-- True when the job was queued again at `retryAt` with `err` stored: this call's own retry.
local function retriedByThisCall(key, retryAt, err)
  local f = redis.call('HMGET', key, 'state', 'runAt', 'error')
  return f[1] == 'queued' and f[2] == retryAt and f[3] == err
end

local function completeJob(id, token, result, now)
  local key = jobKey(id)
  local counted = heldLease(key, token)
  if not counted then return endedByThisCall(key, now, { completed = true }, 'result', result) end
  dropLease(key, id, counted)
  finalize(key, id, 'completed', now, 'result', result)
  return true
end

local function failJob(id, token, err, retryAt, now)
  local key = jobKey(id)
  local counted = heldLease(key, token)
  if not counted then
    if retryAt ~= '' and retriedByThisCall(key, retryAt, err) then return true end
    return endedByThisCall(key, now, { failed = retryAt == '', cancelled = true }, 'error', err)
  end
  dropLease(key, id, counted)
  redis.call('HSET', key, 'error', err)
  if redis.call('HGET', key, 'cancelRequested') == '1' then
    finalize(key, id, 'cancelled', now)
  elseif retryAt ~= '' then
    requeue(key, id, retryAt, now)
  else
    finalize(key, id, 'failed', now)
  end
  return true
end

local function ackCancel(id, token, err, now)
  local key = jobKey(id)
  local counted = heldLease(key, token)
  if not counted then return endedByThisCall(key, now, { cancelled = true }, err ~= '' and 'error' or nil, err) end
  dropLease(key, id, counted)
  if err ~= '' then redis.call('HSET', key, 'error', err) end
  finalize(key, id, 'cancelled', now)
  return true
end

-- A release sent again is recognised only when its first run cancelled the job: a queued job keeps
-- no trace of who queued it (a lease reclaim does the same), so that case still lands in lost.
local function releaseJob(id, token, now)
  local key = jobKey(id)
  local counted = heldLease(key, token)
  if not counted then return endedByThisCall(key, now, { cancelled = true }) end
  dropLease(key, id, counted)
  if redis.call('HGET', key, 'cancelRequested') == '1' then
    finalize(key, id, 'cancelled', now)
    return true
  end
  if tonumber(redis.call('HGET', key, 'attempt')) > 0 then redis.call('HINCRBY', key, 'attempt', -1) end
  requeue(key, id, redis.call('HGET', key, 'runAt'), now)
  return true
end
