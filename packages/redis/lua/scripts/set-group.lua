-- set-group: stores a named group's settings (its weight) or removes them.
--
-- KEYS[1..10]  the queue's keys, in the order of lib/common.lua (config, seq, ready, scheduled,
--              running, all, completed, failed, cancelled, idem)
-- ARGV[1]      job key prefix
-- ARGV[2]      the group's name (a named group, never the default group '')
-- ARGV[3]      its weight (an integer 1..100, validated by core), or '' to remove its settings
-- @returns null
-- Returns: nothing (the client reads null).
-- Events: none.
-- Guarantees: atomic; creates a missing queue with the defaults (as upsert-queue.lua does). The
--   weight lives in TAG:gweights (lib/weights.lua), which claims and position reads take as they
--   run: a group's new weight counts from its next claim at every level, and the used count of a
--   round already begun stays (read capped at weight - 1, so a lowered weight ends the round at
--   the group's next claim). A weight of 1 is stored and listed as 1; removing the last group's
--   settings deletes the hash, so the queue's claims read no weight again.
--! include lib/common.lua
--! include lib/weights.lua

if ARGV[3] == '' then
  redis.call('HDEL', K_GWEIGHTS, ARGV[2])
else
  redis.call('HSET', K_GWEIGHTS, ARGV[2], ARGV[3])
end
redis.call('HSETNX', K_CONFIG, 'paused', '0')
