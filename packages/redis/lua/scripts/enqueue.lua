-- enqueue: writes a batch of new jobs into one queue, all or none.
--
-- KEYS[1..10]  the queue's keys, in the order of lib/common.lua (config, seq, ready, scheduled,
--              running, all, completed, failed, cancelled, idem)
-- ARGV[1]      job key prefix
-- ARGV[2]      now (ms): createdAt, and what decides ready (runAt <= now) or scheduled
-- ARGV[3]      how many jobs follow
-- ARGV[4..]    13 per job: id, name, payload JSON, priority, runAt, maxAttempts, backoff JSON or '',
--              timeoutMs or '', size or '', idempotency key prefixed with '=' or '' for none,
--              traceparent or '' (stored as the job's `traceparent` field, absent meaning null),
--              webhook JSON or '' (stored as the job's `webhook` field, absent meaning null),
--              group prefixed with '=' or '' for none (stored as the job's `group` field, absent
--              meaning null; the first grouped job sets the queue's `grouped`, lib/common.lua)
-- ARGV[4 + 13 * count]      the queue's notice channel, or '' to publish nothing
-- ARGV[5 + 13 * count]      the `added` notice's envelope up to its runAt (src/enqueue.ts)
-- @returns EnqueueReply
-- @use EnqueueReply from replies
-- Returns: 'ok' with, per job, the new seq (inserted) or the stored job (idempotency key matched);
--          'duplicate' with the id when an id is repeated in the batch or already stored, unless
--          the stored job is this very call's (same id, name, payload, and createdAt = now: the
--          client sent the call again after its reply was lost), which answers its seq as the
--          first run did and writes nothing again;
--          'full' with maxSize when the new jobs would take the waiting count past maxSize;
--          'groupFull' with { group, groupMaxWaiting, index } when a new job would take its named
--          group's queued jobs past the config's groupMaxWaiting (index: the 0-based index of the
--          first such job in the batch); 'draining' when the queue's config has draining = '1'.
--          Nothing is written unless 'ok'.
-- Events: when it inserted a job, PUBLISHes the `added` wake-up (runAt = the earliest inserted
--   job's) on the channel, in the same step as the write, so waking other processes costs no
--   round trip of its own; core publishes job:added once the script returned.
-- Guarantees: atomic; validation happens before the first write. A draining queue refuses every
--   batch, whatever its idempotency keys. maxSize counts queued jobs
--   (ready and scheduled) only, and only jobs actually inserted: a matched idempotency key adds
--   nothing, so a full queue does not refuse it. groupMaxWaiting counts the same way per named
--   group (its queued jobs in every level, then the batch's new jobs of the group in order);
--   ungrouped jobs never count. Creates the queue's config when missing.
--! include lib/common.lua
--! include lib/enqueue.lua

local count = tonumber(ARGV[3])
local reply = enqueueJobs(ARGV, 4, count, ARGV[2])
local channel = ARGV[4 + ENQUEUE_FIELDS * count]
if reply[1] == 'ok' and channel and channel ~= '' then
  local earliest
  for j, o in ipairs(reply[2]) do
    local runAt = ARGV[4 + (j - 1) * ENQUEUE_FIELDS + 4]
    if type(o) == 'number' and (not earliest or tonumber(runAt) < tonumber(earliest)) then earliest = runAt end
  end
  if earliest then redis.call('PUBLISH', channel, ARGV[5 + ENQUEUE_FIELDS * count] .. earliest .. '}}') end
end
return reply
