/**
 * `doctor`: is the storage reachable, is its schema this code's, do queues with waiting jobs have
 * live workers, are there running jobs whose lease expired with nobody reclaiming them, and (Redis)
 * may the server evict keys or lose them on restart. Prints one line per check; exits 1 when any
 * check needs attention.
 * @module
 */
import { Queue, SchemaVersionError, type Storage } from '@waitline/core';
import { CliError, type GlobalOptions } from '../context.js';
import { formatMs, type Out, printJson, table } from '../output.js';
import { describeSpec, openStorage, parseStorage } from '../storage-url.js';

/** One finding. */
export interface Check {
  status: 'ok' | 'warn' | 'fail';
  check: string;
  detail: string;
}

/** Most running jobs read per queue when looking for expired leases. */
const RUNNING_SCAN = 5_000;

async function expiredLeases(queue: Queue, now: number): Promise<{ count: number; oldest: number }> {
  let count = 0;
  let oldest = 0;
  for (let offset = 0; offset < RUNNING_SCAN; offset += 500) {
    const page = await queue.listJobs({ states: ['running'], limit: 500, offset, order: 'asc' });
    for (const job of page.items) {
      if (job.leaseExpiresAt !== null && job.leaseExpiresAt < now) {
        count++;
        oldest = Math.max(oldest, now - job.leaseExpiresAt);
      }
    }
    if (page.nextOffset === null) break;
  }
  return { count, oldest };
}

async function queueChecks(storage: Storage, name: string): Promise<Check[]> {
  const queue = new Queue(storage, name);
  const now = Date.now();
  const [stats, leases] = await Promise.all([queue.getStats(), expiredLeases(queue, now)]);
  const { ready, running } = stats.counts;
  const workers = stats.workers.length;
  const checks: Check[] = [];
  if (ready > 0 && workers === 0 && !stats.config.paused) {
    checks.push({ status: 'warn', check: `${name}: workers`, detail: `${ready} ready job(s) and no live worker: nothing will run them` });
  } else {
    const paused = stats.config.paused ? ' (paused)' : '';
    checks.push({ status: 'ok', check: `${name}: workers`, detail: `${workers} live worker(s), ${ready} ready, ${running} running${paused}` });
  }
  if (leases.count > 0) {
    const detail = `${leases.count} running job(s) whose lease expired (oldest ${formatMs(leases.oldest)} ago): their worker is gone and no live worker has reclaimed them yet`;
    checks.push({ status: 'warn', check: `${name}: leases`, detail });
  } else checks.push({ status: 'ok', check: `${name}: leases`, detail: 'no expired lease' });
  return checks;
}

async function storageChecks(storage: Storage, warnings: readonly string[], kind: string): Promise<Check[]> {
  const checks: Check[] = [];
  if (kind === 'redis') {
    if (warnings.length === 0) checks.push({ status: 'ok', check: 'server', detail: 'maxmemory-policy noeviction, persistence on' });
    for (const w of warnings) checks.push({ status: 'warn', check: 'server', detail: w });
  }
  const queues = await storage.listQueues();
  if (queues.length === 0) checks.push({ status: 'ok', check: 'queues', detail: 'no queue yet' });
  for (const q of queues) checks.push(...(await queueChecks(storage, q.name)));
  return checks;
}

async function runChecks(options: GlobalOptions): Promise<Check[]> {
  const spec = parseStorage(options.storage ?? process.env.WAITLINE_STORAGE);
  const where = describeSpec(spec);
  const warnings: string[] = [];
  let storage: Storage;
  try {
    storage = await openStorage(spec, { serverLogger: { warn: (message) => warnings.push(message) } });
  } catch (error) {
    if (error instanceof SchemaVersionError) {
      const fix = error.found < error.expected ? 'migrate it (open with migrate: true, as a Worker or Queue does)' : 'upgrade @waitline/cli';
      return [
        { status: 'ok', check: 'storage', detail: `${where} reachable` },
        { status: 'fail', check: 'schema', detail: `version ${error.found}, this code reads ${error.expected}: ${fix}` },
      ];
    }
    return [{ status: 'fail', check: 'storage', detail: `${where}: ${error instanceof Error ? error.message : String(error)}` }];
  }
  try {
    const head: Check[] = [
      { status: 'ok', check: 'storage', detail: `${where} reachable` },
      { status: 'ok', check: 'schema', detail: 'version is this code’s' },
    ];
    return [...head, ...(await storageChecks(storage, warnings, spec.kind))];
  } finally {
    await storage.close();
  }
}

/** Runs every check, prints them, and throws `NEEDS_ATTENTION` (exit 1) when any is not ok. */
export async function doctor(options: GlobalOptions, out: Out): Promise<void> {
  const checks = await runChecks(options);
  const attention = checks.filter((c) => c.status !== 'ok').length;
  if (options.json) printJson(out, { ok: attention === 0, checks });
  else
    out.write(
      table(
        ['', 'check', 'detail'],
        checks.map((c) => [c.status, c.check, c.detail]),
      ),
    );
  if (attention > 0) throw new CliError('NEEDS_ATTENTION', `${attention} check(s) need attention`);
}
