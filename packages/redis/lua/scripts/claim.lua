-- claim: leases up to a limit of ready jobs of one queue by the ordering rule.
--
-- KEYS[1..10]  the queue's keys, in the order of lib/common.lua (config, seq, ready, scheduled,
--              running, all, completed, failed, cancelled, idem)
-- ARGV[1]      job key prefix
-- ARGV[2]      now (ms, the caller's clock)
-- ARGV[3]      limit (already at least 1)
-- ARGV[4]      worker id
-- ARGV[5]      lease token base (a fresh random UUID; each job's token is base .. ':' .. seq)
-- ARGV[6]      lease expiry (now + leaseMs)
-- Returns: the leased records in claim order (each an HGETALL field/value array).
-- Events: none; core publishes job:active once the script returned.
-- Guarantees: atomic; pause, global concurrency, the rate limits, the group caps and the
--   ordering rule as in lib/claim.lua (the claim reports no next start; settle.lua does).
--! include lib/common.lua
--! include lib/weights.lua
--! include lib/group-holds.lua
--! include lib/claim.lua

return claimJobs(ARGV[2], tonumber(ARGV[3]), ARGV[4], ARGV[5], ARGV[6])
