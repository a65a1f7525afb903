/**
 * Importing whole jobs (`importJobs`, what an import or a move writes): every field as given,
 * new seqs in the order given, no maxSize/draining/paused check, finished jobs counted in the
 * statistics, conflicts by id and idempotency key decided by `onConflict`, all or none per call;
 * and the keyset paging (`afterSeq`) an export walks a queue with.
 * @internal
 */
import { randomUUID } from 'node:crypto';
import { exportJobs, ImportConflictError, importJobs, type JobRecord, type Storage, type TransferJob } from '@waitline/core';
import { describe, expect, it } from 'vitest';
import { add, addQueue, claimEach, claimOne, expectError, ids, listAll, QUEUE, T0, useStorage } from '../fixtures.js';
import type { StorageHarness } from '../harness.js';

/** A whole job as an import gives it: queued and ready at {@link T0} unless overridden. */
export function wholeJob(overrides: Partial<TransferJob> = {}): TransferJob {
  return {
    id: randomUUID(),
    name: 'job',
    payload: { n: 1 },
    state: 'queued',
    priority: 2,
    runAt: T0,
    attempt: 0,
    maxAttempts: 3,
    stalls: 0,
    backoff: null,
    timeoutMs: null,
    size: null,
    idempotencyKey: null,
    createdAt: T0 - 1_000,
    startedAt: null,
    finishedAt: null,
    cancelRequested: false,
    progress: null,
    result: null,
    error: null,
    traceparent: null,
    webhook: null,
    group: null,
    ...overrides,
  };
}

/** A record without its queue and storage-local fields: what an import wrote. */
function transferred(record: JobRecord | null): unknown {
  if (record === null) return null;
  const { queue: _q, seq: _s, leaseToken: _t, leaseExpiresAt: _e, workerId: _w, ...rest } = record;
  return rest;
}

const finished = (state: 'completed' | 'failed' | 'cancelled', at: number, extra: Partial<TransferJob> = {}) =>
  wholeJob({ state, attempt: 1, startedAt: at - 500, finishedAt: at, ...extra });

function importInto(s: Storage, jobs: TransferJob[], onConflict: 'fail' | 'skip' | 'replace' = 'fail', queue = QUEUE) {
  return s.importJobs({ queue, jobs, onConflict, now: T0 });
}

/** Registers the import area. */
export function describeImport(harness: StorageHarness): void {
  describe('importJobs', () => {
    const storage = useStorage(harness);

    it('writes every field as given, in every state but running, after the stored jobs in the order given', async () => {
      const s = storage();
      const before = await add(s);
      const jobs = [
        wholeJob({ priority: 5, size: 2.5, idempotencyKey: 'k1', backoff: { kind: 'fixed', delayMs: 10 }, timeoutMs: 9_000, stalls: 1 }),
        wholeJob({ runAt: T0 + 60_000, traceparent: `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01`, payload: { deep: { list: [1, 'two', null] } } }),
        wholeJob({
          webhook: { url: 'https://hooks.example.com/w', events: ['completed', 'failed'], token: 't0k', includePayload: true, progressIntervalMs: 2_000 },
        }),
        finished('completed', T0 - 10, { result: { text: 'done' }, progress: { percent: 100, stage: 'end', updatedAt: T0 - 20 } }),
        finished('failed', T0 - 5, { attempt: 3, error: { name: 'Error', message: 'boom', code: 'E_X', attempt: 3, at: T0 - 5 } }),
        finished('cancelled', T0 - 1, { cancelRequested: true, result: 'a string result' }),
      ];
      expect(await importInto(s, jobs)).toEqual({ imported: 6, skipped: 0, replaced: 0 });
      for (const job of jobs) expect(transferred(await s.getJob({ queue: QUEUE, id: job.id }))).toEqual(job);
      const listed = await listAll(s);
      expect(ids(listed)).toEqual([before.id, ...ids(jobs)]);
      const seqs = listed.map((j) => j.seq);
      expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
      expect(new Set(seqs).size).toBe(seqs.length);
    });

    it('keeps the order given among equal jobs: claims and positions follow it', async () => {
      const s = storage();
      const jobs = [wholeJob(), wholeJob(), wholeJob({ priority: 9 }), wholeJob()];
      await importInto(s, jobs);
      expect(await s.getPosition({ queue: QUEUE, id: jobs[0]?.id ?? '', now: T0 })).toBe(2);
      expect(await s.getPosition({ queue: QUEUE, id: jobs[3]?.id ?? '', now: T0 })).toBe(4);
      const claimed = await claimEach(s, { now: T0 });
      expect(ids(claimed)).toEqual(ids([jobs[2], jobs[0], jobs[1], jobs[3]] as TransferJob[]));
    });

    it('ignores maxSize, draining and paused, and creates a missing queue with the defaults', async () => {
      const s = storage();
      await addQueue(s, { maxSize: 1, draining: true, paused: true });
      expect(await importInto(s, [wholeJob(), wholeJob(), wholeJob()])).toEqual({ imported: 3, skipped: 0, replaced: 0 });
      expect(await s.getQueue(QUEUE)).toMatchObject({ maxSize: 1, draining: true, paused: true });
      await importInto(s, [wholeJob()], 'fail', 'fresh');
      expect(await s.getQueue('fresh')).toMatchObject({ name: 'fresh', concurrency: null, maxSize: null, paused: false, draining: false });
      expect((await s.listQueues()).map((q) => q.name)).toContain('fresh');
    });

    it('counts imported finished jobs in the statistics and their samples', async () => {
      const s = storage();
      const done = finished('completed', T0 - 1_000, { name: 'transcribe', size: 3, runAt: T0 - 3_000 });
      const lost = finished('failed', T0 - 500, { name: 'transcribe' });
      await importInto(s, [done, wholeJob({ runAt: T0 + 5_000 }), lost, finished('cancelled', T0 - 100)]);
      const stats = await s.getStats({ queue: QUEUE, now: T0, windowsMs: [60_000], sampleLimit: 10, workerStaleMs: 10_000 });
      expect(stats.counts).toMatchObject({ queued: 1, scheduled: 1, ready: 0, completed: 1, failed: 1, cancelled: 1, running: 0 });
      expect(stats.windows).toEqual([{ windowMs: 60_000, completed: 1, failed: 1 }]);
      expect(stats.recent).toEqual([
        {
          name: 'transcribe',
          state: 'failed',
          priority: lost.priority,
          size: null,
          createdAt: lost.createdAt,
          runAt: T0,
          startedAt: T0 - 1_000,
          finishedAt: T0 - 500,
        },
        {
          name: 'transcribe',
          state: 'completed',
          priority: done.priority,
          size: 3,
          createdAt: done.createdAt,
          runAt: T0 - 3_000,
          startedAt: T0 - 1_500,
          finishedAt: T0 - 1_000,
        },
      ]);
    });

    it('fail: a stored id or idempotency key throws ImportConflictError and writes nothing of the call', async () => {
      const s = storage();
      const stored = await add(s, { idempotencyKey: 'key' });
      const fresh = wholeJob();
      const byId = await expectError(importInto(s, [fresh, wholeJob({ id: stored.id })]), ImportConflictError, 'IMPORT_CONFLICT');
      expect(byId.path).toEqual(['jobs', 1, 'id']);
      expect(byId.conflict).toMatchObject({ index: 1, by: 'id', existingId: stored.id, existingState: 'queued', reason: 'exists' });
      const byKey = await expectError(importInto(s, [fresh, wholeJob({ idempotencyKey: 'key' })]), ImportConflictError, 'IMPORT_CONFLICT');
      expect(byKey.conflict).toMatchObject({ index: 1, by: 'idempotencyKey', existingId: stored.id });
      const twice = await expectError(importInto(s, [fresh, { ...fresh }]), ImportConflictError, 'IMPORT_CONFLICT');
      expect(twice.conflict).toMatchObject({ index: 1, by: 'id', existingId: fresh.id });
      expect(ids(await listAll(s))).toEqual([stored.id]);
    });

    it('skip: keeps the stored job and writes the others', async () => {
      const s = storage();
      const stored = await add(s, { idempotencyKey: 'key' });
      const other = wholeJob();
      const result = await importInto(s, [wholeJob({ id: stored.id, name: 'changed' }), other, wholeJob({ idempotencyKey: 'key' }), { ...other }], 'skip');
      expect(result).toEqual({ imported: 1, skipped: 3, replaced: 0 });
      expect((await s.getJob({ queue: QUEUE, id: stored.id }))?.name).toBe('job');
      expect(ids(await listAll(s))).toEqual([stored.id, other.id]);
    });

    it("replace: the imported job takes the stored one's place in every index", async () => {
      const s = storage();
      const stored = await add(s, { idempotencyKey: 'key' });
      const keyed = await add(s, { idempotencyKey: 'other' });
      const byId = finished('completed', T0 - 10, { id: stored.id, idempotencyKey: 'key' });
      const byKey = wholeJob({ idempotencyKey: 'other', priority: 7 });
      expect(await importInto(s, [byId, byKey], 'replace')).toEqual({ imported: 2, skipped: 0, replaced: 2 });
      expect(transferred(await s.getJob({ queue: QUEUE, id: stored.id }))).toEqual(byId);
      expect(await s.getJob({ queue: QUEUE, id: keyed.id })).toBeNull();
      expect(ids(await listAll(s))).toEqual([stored.id, byKey.id]);
      expect(ids(await claimEach(s, { now: T0 }))).toEqual([byKey.id]);
      const stats = await s.getStats({ queue: QUEUE, now: T0, windowsMs: [60_000], sampleLimit: 10, workerStaleMs: 10_000 });
      expect(stats.counts).toMatchObject({ queued: 0, running: 1, completed: 1 });
      const again = wholeJob({ idempotencyKey: 'key' });
      expect(await importInto(s, [again], 'replace')).toEqual({ imported: 1, skipped: 0, replaced: 1 });
      expect(await s.getJob({ queue: QUEUE, id: stored.id })).toBeNull();
    });

    it('replace: one imported job may displace two stored ones (one by id, one by key), and an earlier job of the call', async () => {
      const s = storage();
      const byId = await add(s);
      const byKey = await add(s, { idempotencyKey: 'key' });
      const both = wholeJob({ id: byId.id, idempotencyKey: 'key', name: 'both' });
      const first = wholeJob({ idempotencyKey: 'mine' });
      const second = wholeJob({ idempotencyKey: 'mine', name: 'second' });
      expect(await importInto(s, [both, first, second], 'replace')).toEqual({ imported: 2, skipped: 0, replaced: 1 });
      expect(await s.getJob({ queue: QUEUE, id: byKey.id })).toBeNull();
      expect(await s.getJob({ queue: QUEUE, id: first.id })).toBeNull();
      expect(ids(await listAll(s))).toEqual([byId.id, second.id]);
      expect((await s.getJob({ queue: QUEUE, id: byId.id }))?.name).toBe('both');
    });

    it('skip: two handles importing the same jobs at once write each job once, and neither fails', async (ctx) => {
      const s = storage();
      if (!s.capabilities.reopenable) return ctx.skip();
      const second = await harness.open(s.describe());
      try {
        // Several rounds: each is a race between the two calls' conflict checks and inserts, by
        // id (the same jobs), then by idempotency key (the same keys under other ids).
        for (let round = 0; round < 5; round += 1) {
          const same = Array.from({ length: 100 }, () => wholeJob());
          const keyed = Array.from({ length: 100 }, (_, i) => wholeJob({ idempotencyKey: `r${round}-${i}` }));
          const rekeyed = keyed.map((job) => wholeJob({ idempotencyKey: job.idempotencyKey }));
          for (const [mine, theirs] of [
            [same, same],
            [keyed, rekeyed],
          ] as const) {
            const [a, b] = await Promise.all([importInto(s, mine, 'skip'), importInto(second, theirs, 'skip')]);
            expect([a.imported + b.imported, a.skipped + b.skipped]).toEqual([100, 100]);
          }
        }
        const stored = await listAll(s);
        expect(stored.length).toBe(5 * 200);
        expect(new Set(ids(stored)).size).toBe(stored.length);
        expect(new Set(stored.flatMap((j) => (j.idempotencyKey === null ? [] : [j.idempotencyKey]))).size).toBe(5 * 100);
      } finally {
        await second.close();
      }
    });

    it('replace: never a running job (ImportConflictError, nothing written)', async () => {
      const s = storage();
      await add(s);
      const running = await claimOne(s, { now: T0 });
      const fresh = wholeJob();
      const err = await expectError(importInto(s, [fresh, wholeJob({ id: running.id })], 'replace'), ImportConflictError, 'IMPORT_CONFLICT');
      expect(err.conflict).toMatchObject({ index: 1, by: 'id', existingState: 'running', reason: 'running' });
      expect(await s.getJob({ queue: QUEUE, id: fresh.id })).toBeNull();
      expect((await s.getJob({ queue: QUEUE, id: running.id }))?.state).toBe('running');
    });
  });

  describe('listJobs afterSeq (keyset paging)', () => {
    const storage = useStorage(harness);

    it('lists the jobs after a seq in either order, with states and offset counted from there', async () => {
      const s = storage();
      const jobs = await importInto(s, [wholeJob(), finished('completed', T0), wholeJob(), finished('failed', T0), wholeJob()]).then(() => listAll(s));
      const seq = (i: number) => jobs[i]?.seq ?? 0;
      const asc = await s.listJobs({ queue: QUEUE, limit: 2, order: 'asc', afterSeq: seq(1) });
      expect(ids(asc.items)).toEqual(ids(jobs.slice(2, 4)));
      expect(asc.nextOffset).toBe(2);
      const rest = await s.listJobs({ queue: QUEUE, limit: 2, order: 'asc', afterSeq: seq(3) });
      expect(rest).toEqual({ items: jobs.slice(4), nextOffset: null });
      const desc = await s.listJobs({ queue: QUEUE, limit: 10, order: 'desc', afterSeq: seq(3) });
      expect(ids(desc.items)).toEqual(ids(jobs.slice(0, 3).reverse()));
      const queued = await s.listJobs({ queue: QUEUE, states: ['queued'], limit: 1, offset: 1, order: 'asc', afterSeq: seq(0) });
      expect(ids(queued.items)).toEqual([jobs[4]?.id]);
      expect(queued.nextOffset).toBeNull();
    });

    it('an export piped into an import with replace into the same storage ends: it stops at the seq it began at', async () => {
      const s = storage();
      await importInto(
        s,
        Array.from({ length: 7 }, (_, n) => wholeJob({ payload: { n } })),
      );
      const before = ids(await listAll(s));
      // Each replaced job is written again with a new seq, past the export's end: never read again.
      const lines = exportJobs(s, { queues: [QUEUE], pageSize: 2, now: () => T0 });
      const summary = await importJobs(s, lines, { onConflict: 'replace', batchSize: 2 });
      expect(summary).toMatchObject({ jobs: 7, replaced: 7 });
      expect(ids(await listAll(s))).toEqual(before);
    });
  });
}
