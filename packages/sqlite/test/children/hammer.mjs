/**
 * A child process that drives every write of the storage against a shared file for a while, to
 * show that no SQLite busy error escapes under cross-process contention (each write takes the
 * write lock at its start and waits up to busyTimeoutMs for it).
 * argv[2]: JSON { descriptor, queue, workerId, durationMs }.
 * stdout: JSON { added, completed, failedRetried, errorCount, errors: the first 10 [{ name, code, message }] }.
 * @internal
 */
import { randomUUID } from 'node:crypto';

const { descriptor, queue, workerId, durationMs } = JSON.parse(process.argv[2]);
const mod = await import(descriptor.moduleUrl);
const storage = await mod[descriptor.exportName].fromDescriptor(descriptor.options);

const report = { added: 0, completed: 0, failedRetried: 0, errorCount: 0, errors: [] };
const newJob = (i) => ({
  id: randomUUID(),
  name: i % 2 ? 'even' : 'odd',
  payload: { workerId, i },
  priority: 1 + (i % 3),
  runAt: 0,
  maxAttempts: 3,
  backoff: null,
  timeoutMs: null,
  size: i % 2 ? 10 : null,
  idempotencyKey: i % 5 === 0 ? `${workerId}-${i}` : null,
});

async function step(i) {
  const now = Date.now();
  const added = await storage.enqueue({ queue, jobs: [newJob(i), newJob(i + 1)], now });
  report.added += added.inserted.filter(Boolean).length;
  await storage.registerWorker({ id: workerId, queue, host: 'test', pid: process.pid, concurrency: 2, now });
  const claimed = await storage.claim({ queue, workerId, limit: 2, leaseMs: 60_000, now });
  for (const job of claimed) {
    await storage.reportProgress({ queue, id: job.id, leaseToken: job.leaseToken, progress: { percent: 50, stage: 'half' }, now });
  }
  await storage.renewLeases({ workerId, queue, leases: claimed.map((j) => ({ id: j.id, leaseToken: j.leaseToken })), leaseMs: 60_000, now });
  const [first, ...rest] = claimed;
  const settled = await storage.settle({
    queue,
    now,
    completed: rest.map((j) => ({ id: j.id, leaseToken: j.leaseToken, result: i })),
    failed: first ? [{ id: first.id, leaseToken: first.leaseToken, retryAt: now, error: { name: 'E', message: 'x', attempt: first.attempt, at: now } }] : [],
  });
  if (settled.lost.length > 0) throw new Error(`lost leases: ${settled.lost.join(', ')}`);
  report.completed += rest.length;
  report.failedRetried += first ? 1 : 0;
  await storage.getPositionInputs({ id: added.jobs[0].id, now, sampleLimit: 10, aheadListLimit: 5, workerStaleMs: 10_000 });
  await storage.reclaimExpired({ queue, now, error: { name: 'LeaseExpired', message: 'expired' } });
}

const deadline = Date.now() + durationMs;
for (let i = 0; Date.now() < deadline; i += 2) {
  try {
    await step(i);
  } catch (err) {
    report.errorCount += 1;
    if (report.errors.length < 10) report.errors.push({ name: err?.name, code: err?.code ?? null, message: String(err?.message ?? err) });
  }
}
await storage.close();
process.stdout.write(JSON.stringify(report));
