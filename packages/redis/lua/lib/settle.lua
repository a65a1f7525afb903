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

local function completeJob(id, token, result, now)
  local key = jobKey(id)
  local counted = heldLease(key, token)
  if not counted then return false end
  dropLease(key, id, counted)
  finalize(key, id, 'completed', now, 'result', result)
  return true
end

local function failJob(id, token, err, retryAt, now)
  local key = jobKey(id)
  local counted = heldLease(key, token)
  if not counted then return false end
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
  if not counted then return false end
  dropLease(key, id, counted)
  if err ~= '' then redis.call('HSET', key, 'error', err) end
  finalize(key, id, 'cancelled', now)
  return true
end

local function releaseJob(id, token, now)
  local key = jobKey(id)
  local counted = heldLease(key, token)
  if not counted then return false end
  dropLease(key, id, counted)
  if redis.call('HGET', key, 'cancelRequested') == '1' then
    finalize(key, id, 'cancelled', now)
    return true
  end
  if tonumber(redis.call('HGET', key, 'attempt')) > 0 then redis.call('HINCRBY', key, 'attempt', -1) end
  requeue(key, id, redis.call('HGET', key, 'runAt'), now)
  return true
end
