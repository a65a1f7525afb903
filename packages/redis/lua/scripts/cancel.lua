-- cancel: cancels a job: queued ends cancelled at once; running gets cancelRequested.
--
-- KEYS[1..10]  the queue's keys, in the order of lib/common.lua (config, seq, ready, scheduled,
--              running, all, completed, failed, cancelled, idem)
-- ARGV[1]      job key prefix
-- ARGV[2]      job id
-- ARGV[3]      now (ms): finishedAt of a queued job cancelled here
-- @returns ['ok', JobHash] | ['missing'] | ['invalid', string]
-- @use JobHash from replies
-- Returns: 'ok' with the job in its new state (a cancelled job as it was); 'missing' for an
--   unknown id; 'invalid' with the state for completed or failed (nothing written)
-- Events: none; core publishes job:cancelled, or the `cancel` notice that reaches the running
--   job's worker, once the script returned.
-- Guarantees: atomic. A running job keeps its lease and state until its worker settles it (or its
--   lease expires); asking twice changes nothing.
--! include lib/common.lua

local id, now = ARGV[2], ARGV[3]
local key = jobKey(id)
local state = redis.call('HGET', key, 'state')
if not state then return { 'missing' } end
if state == 'queued' then
  unplaceQueued(key, id)
  finalize(key, id, 'cancelled', now)
elseif state == 'running' then
  redis.call('HSET', key, 'cancelRequested', '1')
elseif state ~= 'cancelled' then
  return { 'invalid', state }
end
return { 'ok', record(key) }
