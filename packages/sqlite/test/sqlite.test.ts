/**
 * What only the SQLite storage has: pragmas, busy handling, the in-process notifier, `:memory:`, the descriptor and the built bundles, and
 * contention from several processes (query plans are in query-plans.test.ts, the schema and the
 * embedded SQL in schema.test.ts). The behaviour every
 * storage shares is in contract.test.ts.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  type NewJob,
  QueueFullError,
  removeJobsInBatches,
  SchemaVersionError,
  type StorageNotice,
  StorageUnavailableError,
  ValidationError,
} from '@waitline/core';
import Database from 'better-sqlite3';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { SqliteStorage as BuiltSqliteStorage } from '../dist/index.js';
import { openConnection, resolveOptions, WAL_AUTOCHECKPOINT_PAGES } from '../src/connection.js';
import { SqliteStorage } from '../src/index.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'waitline-sqlite-unit-'));
let fileCounter = 0;
const newPath = () => join(dir, `unit-${++fileCounter}.sqlite`);
const opened: Array<{ close(): Promise<void> }> = [];

async function open(options: Partial<Parameters<typeof SqliteStorage.open>[0]> = {}): Promise<SqliteStorage> {
  const storage = await SqliteStorage.open({ path: newPath(), ...options });
  opened.push(storage);
  return storage;
}

let jobCounter = 0;
function newJob(overrides: Partial<NewJob> = {}): NewJob {
  jobCounter += 1;
  return {
    id: `job-${jobCounter}`,
    name: 'n',
    payload: { i: jobCounter },
    priority: 2,
    runAt: 0,
    maxAttempts: 3,
    backoff: null,
    timeoutMs: null,
    size: null,
    idempotencyKey: null,
    traceparent: null,
    webhook: null,
    ...overrides,
  };
}

afterEach(async () => {
  await Promise.allSettled(opened.splice(0).map((s) => s.close()));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('connection', () => {
  it('opens in WAL (checkpointed every 10,000 pages) with synchronous NORMAL, foreign keys on and a 5 s busy timeout', () => {
    const db = openConnection(resolveOptions({ path: newPath() }));
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(WAL_AUTOCHECKPOINT_PAGES);
      expect(db.pragma('synchronous', { simple: true })).toBe(1);
      expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    } finally {
      db.close();
    }
  });

  it('applies synchronous FULL and a custom busy timeout', () => {
    const db = openConnection(resolveOptions({ path: newPath(), synchronous: 'FULL', busyTimeoutMs: 250 }));
    try {
      expect(db.pragma('synchronous', { simple: true })).toBe(2);
      expect(db.pragma('busy_timeout', { simple: true })).toBe(250);
    } finally {
      db.close();
    }
  });

  it('refuses bad options before touching any file, naming the option', async () => {
    const bad: Array<[unknown, Array<string | number>]> = [
      [null, []],
      [5, []],
      [[], []],
      [undefined, ['path']],
      [{ path: '' }, ['path']],
      [{ path: 7 }, ['path']],
      [{ path: 'x\u0000.db' }, ['path']],
      [{ path: 'x.db', synchronous: 'OFF' }, ['synchronous']],
      [{ path: 'x.db', busyTimeoutMs: -1 }, ['busyTimeoutMs']],
      [{ path: 'x.db', busyTimeoutMs: 2 ** 31 }, ['busyTimeoutMs']],
      [{ path: 'x.db', migrate: 'yes' }, ['migrate']],
      [{ path: 'x.db', colour: 'red' }, []],
    ];
    for (const [options, path] of bad) {
      const err = await SqliteStorage.open(options as never).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as ValidationError).path).toEqual(path);
    }
    expect(existsSync(join(process.cwd(), 'x.db'))).toBe(false);
  });

  it('resolves a relative path once, at open, so a descriptor names the same file anywhere', () => {
    const resolved = resolveOptions({ path: relative(process.cwd(), join(dir, 'rel.sqlite')) });
    expect(resolved.path).toBe(join(dir, 'rel.sqlite'));
    expect(resolveOptions({ path: ':memory:' })).toMatchObject({ path: ':memory:', shared: false });
  });

  it('turns a write lock held past busyTimeoutMs into StorageUnavailableError; reads go on', async () => {
    const storage = await open({ busyTimeoutMs: 50 });
    const [job] = (await storage.enqueue({ queue: 'q', jobs: [newJob()], now: 0 })).jobs;
    const other = new Database(storage.describe().options.path as string);
    other.prepare('BEGIN IMMEDIATE').run();
    try {
      const err = await storage.enqueue({ queue: 'q', jobs: [newJob()], now: 0 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StorageUnavailableError);
      expect((err as StorageUnavailableError).code).toBe('STORAGE_UNAVAILABLE');
      expect(((err as Error).cause as { code: string }).code).toMatch(/^SQLITE_BUSY/);
      await expect(storage.reportProgress({ queue: 'q', id: 'x', leaseToken: 'y', progress: { percent: 1, stage: null }, now: 0 })).rejects.toBeInstanceOf(
        StorageUnavailableError,
      );
      expect((await storage.getJob({ queue: 'q', id: job?.id ?? '' }))?.state).toBe('queued'); // WAL: readers never wait
    } finally {
      other.prepare('ROLLBACK').run();
      other.close();
    }
    expect((await storage.enqueue({ queue: 'q', jobs: [newJob()], now: 0 })).inserted).toEqual([true]);
  });
});

describe("the app's own database", () => {
  it('uses it without closing it or changing its settings beyond WAL; its descriptor reopens the file', async () => {
    const path = newPath();
    const database = new Database(path);
    database.pragma('cache_size = -4096');
    database.pragma('synchronous = FULL');
    const storage = await SqliteStorage.open({ database });
    await storage.enqueue({ queue: 'q', jobs: [newJob()], now: 1 });
    expect(database.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(database.pragma('cache_size', { simple: true })).toBe(-4096);
    expect(database.pragma('synchronous', { simple: true })).toBe(2);
    expect(storage.describe().options).toMatchObject({ path });
    const again = await SqliteStorage.fromDescriptor(storage.describe().options as never);
    expect((await again.listJobs({ queue: 'q', limit: 10 })).items).toHaveLength(1);
    await again.close();
    await storage.close();
    expect(database.open).toBe(true);
    expect((database.prepare('SELECT count(*) AS n FROM jobs').get() as { n: number }).n).toBe(1);
    database.close();
  });

  it('refuses both path and database, or a database that is not one, before writing anything', async () => {
    const database = new Database(newPath());
    await expect(SqliteStorage.open({ database, path: newPath() })).rejects.toMatchObject({ code: 'VALIDATION', path: ['path'] });
    await expect(SqliteStorage.open({ database: { name: 'x' } as never })).rejects.toMatchObject({ code: 'VALIDATION', path: ['database'] });
    await expect(SqliteStorage.open({} as never)).rejects.toBeInstanceOf(ValidationError);
    database.close();
    await expect(SqliteStorage.open({ database })).rejects.toMatchObject({ code: 'VALIDATION', path: ['database'] });
  });
});

describe('storage specifics', () => {
  it('shares one notifier between storages on the same file in this process', async () => {
    const a = await open();
    const b = await SqliteStorage.open({ path: a.describe().options.path as string });
    opened.push(b);
    const seen: StorageNotice[] = [];
    const stop = b.notifier.subscribe('q', (n) => seen.push(n));
    const all: StorageNotice[] = [];
    b.notifier.subscribe('*', (n) => all.push(n));
    a.notifier.publish({ queue: 'q', kind: 'added', jobId: 'j1' });
    a.notifier.publish({ queue: 'other', kind: 'added' });
    stop();
    a.notifier.publish({ queue: 'q', kind: 'added', jobId: 'j2' });
    expect(seen).toEqual([{ queue: 'q', kind: 'added', jobId: 'j1' }]);
    expect(all.map((n) => n.queue)).toEqual(['q', 'other', 'q']);
    const elsewhere = await open();
    const heard: StorageNotice[] = [];
    elsewhere.notifier.subscribe('*', (n) => heard.push(n));
    a.notifier.publish({ queue: 'q', kind: 'added' });
    expect(heard).toEqual([]);
  });

  it('an idle remote subscriber is not woken by its own listener refresh, but hears another connection', async () => {
    const a = await open();
    const heard: StorageNotice[] = [];
    const stop = a.notifier.subscribe('q', (n) => heard.push(n), { remote: true });
    try {
      // The listener row is refreshed every second: each refresh was a commit the watcher reported.
      await new Promise((done) => setTimeout(done, 2_600));
      expect(heard.filter((n) => n.kind === 'changed')).toEqual([]);
      const other = new Database(a.describe().options.path as string);
      other.exec('CREATE TABLE poke (x)');
      other.close();
      for (let i = 0; i < 40 && heard.length === 0; i += 1) await new Promise((done) => setTimeout(done, 50));
      expect(heard.map((n) => n.kind)).toContain('changed');
    } finally {
      stop();
    }
  });

  it('runs on :memory:, with a private notifier, and its descriptor cannot reopen the data', async () => {
    const a = await SqliteStorage.open({ path: ':memory:' });
    opened.push(a);
    const b = await SqliteStorage.open({ path: ':memory:' });
    opened.push(b);
    await a.enqueue({ queue: 'q', jobs: [newJob(), newJob()], now: 0 });
    expect(await a.claim({ queue: 'q', workerId: 'w', limit: 5, leaseMs: 1000, now: 1 })).toHaveLength(2);
    expect(await b.claim({ queue: 'q', workerId: 'w', limit: 5, leaseMs: 1000, now: 1 })).toEqual([]);
    const heard: StorageNotice[] = [];
    b.notifier.subscribe('*', (n) => heard.push(n));
    a.notifier.publish({ queue: 'q', kind: 'added' });
    expect(heard).toEqual([]);
    await expect(SqliteStorage.fromDescriptor(a.describe().options as never)).rejects.toBeInstanceOf(SchemaVersionError);
  });

  it('close is idempotent and a closed storage fails with StorageUnavailableError', async () => {
    const storage = await open();
    await storage.close();
    await storage.close();
    await expect(storage.getJob({ queue: 'q', id: 'x' })).rejects.toBeInstanceOf(StorageUnavailableError);
    await expect(storage.enqueue({ queue: 'q', jobs: [newJob()], now: 0 })).rejects.toBeInstanceOf(StorageUnavailableError);
  });

  it('a single add creates a missing queue row, and meets maxSize and idempotency keys like a batch', async () => {
    const storage = await open();
    const first = await storage.enqueue({ queue: 'fresh', jobs: [newJob()], now: 0 });
    expect(first.inserted).toEqual([true]);
    expect(await storage.getQueue('fresh')).toEqual({ name: 'fresh', concurrency: null, maxSize: null, paused: false, maxStalls: 1, draining: false });
    await storage.upsertQueue({ name: 'fresh', maxSize: 2, now: 0 });
    const keyed = newJob({ idempotencyKey: 'k' });
    expect((await storage.enqueue({ queue: 'fresh', jobs: [keyed], now: 0 })).inserted).toEqual([true]);
    const again = await storage.enqueue({ queue: 'fresh', jobs: [newJob({ idempotencyKey: 'k' })], now: 0 });
    expect(again).toMatchObject({ inserted: [false], jobs: [{ id: keyed.id }] });
    await expect(storage.enqueue({ queue: 'fresh', jobs: [newJob()], now: 0 })).rejects.toBeInstanceOf(QueueFullError);
    await expect(storage.enqueue({ queue: 'fresh', jobs: [newJob({ id: keyed.id })], now: 0 })).rejects.toBeInstanceOf(ValidationError);
    expect((await storage.listJobs({ queue: 'fresh', limit: 10 })).items.map((j) => j.seq)).toEqual([2, 1]);
  });

  it('refuses a duplicate job id with a ValidationError on id, writing nothing', async () => {
    const storage = await open();
    const first = newJob();
    await storage.enqueue({ queue: 'q', jobs: [first], now: 0 });
    const fresh = newJob();
    const err = await storage.enqueue({ queue: 'other', jobs: [fresh, newJob({ id: first.id })], now: 0 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).path).toEqual(['id']);
    expect(await storage.getJob({ queue: 'other', id: fresh.id })).toBeNull();
  });

  it('a released job goes back to queued in its place without spending an attempt; a cancel request wins', async () => {
    const storage = await open();
    const [a, b, c] = (await storage.enqueue({ queue: 'q', jobs: [newJob(), newJob(), newJob()], now: 0 })).jobs;
    const claimed = await storage.claim({ queue: 'q', workerId: 'w', limit: 2, leaseMs: 1000, now: 5 });
    expect(claimed.map((j) => j.id)).toEqual([a?.id, b?.id]);
    const [ca, cb] = claimed;
    if (!ca?.leaseToken || !cb?.leaseToken || !c) throw new Error('no claim');
    await storage.cancel({ queue: cb.queue, id: cb.id, now: 6 });
    const result = await storage.settle({
      queue: 'q',
      now: 7,
      released: [
        { id: ca.id, leaseToken: ca.leaseToken },
        { id: cb.id, leaseToken: cb.leaseToken },
        { id: c.id, leaseToken: 'not-held' },
      ],
    });
    expect(result.lost).toEqual([c.id]);
    expect(result.settled.map((j) => [j.id, j.state, j.attempt, j.runAt, j.leaseToken])).toEqual([
      [ca.id, 'queued', 0, 0, null],
      [cb.id, 'cancelled', 1, 0, null],
    ]);
    expect(await storage.getPosition({ queue: ca.queue, id: ca.id, now: 8 })).toBe(1);
  });

  it('clears the previous attempt progress when a job is claimed again (after a forgiven stall: same attempt number)', async () => {
    const storage = await open();
    await storage.enqueue({ queue: 'q', jobs: [newJob()], now: 0 });
    const [first] = await storage.claim({ queue: 'q', workerId: 'w', limit: 1, leaseMs: 10, now: 1 });
    if (!first?.leaseToken) throw new Error('no claim');
    await storage.reportProgress({ queue: 'q', id: first.id, leaseToken: first.leaseToken, progress: { percent: 80, stage: 's' }, now: 2 });
    await storage.reclaimExpired({ now: 100, error: { name: 'LeaseExpired', message: 'gone' } });
    const [second] = await storage.claim({ queue: 'q', workerId: 'w', limit: 1, leaseMs: 10, now: 101 });
    expect(second).toMatchObject({ id: first.id, attempt: 1, stalls: 1, progress: null });
  });

  it('removes large selections in batches (core loops) and reports the total', async () => {
    const storage = await open();
    const jobs = Array.from({ length: 2500 }, () => newJob());
    await storage.enqueue({ queue: 'q', jobs, now: 0 });
    expect(await storage.removeJobs({ queue: 'q', states: ['queued'], limit: 1_000 })).toBe(1_000);
    expect(await removeJobsInBatches(storage, { queue: 'q', states: ['queued'] })).toBe(1_500);
    expect((await storage.listJobs({ queue: 'q', limit: 10 })).items).toEqual([]);
    await expect(storage.removeJobs({ queue: 'q', states: ['running' as never], limit: 1_000 })).rejects.toBeInstanceOf(ValidationError);
  });

  it('positions and the bounded work ahead agree with a brute-force count over thousands of jobs', async () => {
    const storage = await open();
    const jobs = Array.from({ length: 3000 }, (_, i) =>
      newJob({ priority: 1 + (i % 4), runAt: i % 7 === 0 ? 50 : i % 5, size: i % 3 === 0 ? null : 1 + (i % 10), name: `n${i % 3}` }),
    );
    const stored = (await storage.enqueue({ queue: 'q', jobs, now: 0 })).jobs;
    const now = 10; // jobs with runAt 50 are scheduled
    const ready = stored.filter((j) => j.runAt <= now);
    const before = (a: (typeof stored)[number], b: (typeof stored)[number]) =>
      a.priority > b.priority || (a.priority === b.priority && (a.runAt < b.runAt || (a.runAt === b.runAt && a.seq < b.seq)));
    for (const job of [ready[0], ready[1234], ready[ready.length - 1]]) {
      if (!job) continue;
      const ahead = ready.filter((other) => before(other, job)).sort((a, b) => (before(a, b) ? -1 : 1));
      expect(await storage.getPosition({ queue: job.queue, id: job.id, now })).toBe(ahead.length + 1);
      const params = { queue: job.queue, id: job.id, now, sampleLimit: 5, aheadListLimit: 10, dueAheadLimit: 100, workerStaleMs: 1000 };
      const inputs = await storage.getPositionInputs({ ...params, aheadWorkLimit: 500 });
      // The position is exact; the work ahead groups only the first 500 jobs ahead in claim order.
      const grouped = ahead.slice(0, 500);
      expect(inputs?.ahead).toBe(ahead.length);
      expect(inputs?.aheadWorkOf).toBe(grouped.length);
      expect(inputs?.aheadWork.reduce((sum, w) => sum + w.count, 0)).toBe(grouped.length);
      expect(inputs?.aheadWork.reduce((sum, w) => sum + w.sizeSum, 0)).toBe(grouped.reduce((sum, j) => sum + (j.size ?? 0), 0));
      const all = await storage.getPositionInputs({ ...params, aheadWorkLimit: 1_000_000 });
      expect(all?.aheadWork.reduce((sum, w) => sum + w.sizeSum, 0)).toBe(ahead.reduce((sum, j) => sum + (j.size ?? 0), 0));
    }
  });
});

describe('built package', () => {
  it('describes itself with the ESM bundle and plain options that reopen the same file', async () => {
    const storage = await BuiltSqliteStorage.open({ path: newPath() });
    opened.push(storage);
    const descriptor = storage.describe();
    expect(descriptor.moduleUrl).toMatch(/\/dist\/index\.js$/);
    expect(descriptor.exportName).toBe('SqliteStorage');
    expect(JSON.parse(JSON.stringify(descriptor))).toEqual(descriptor);
    expect(descriptor.options).toEqual({ path: expect.stringMatching(/^\//), migrate: false, busyTimeoutMs: 5000, synchronous: 'NORMAL' });
    const mod = (await import(descriptor.moduleUrl)) as Record<string, typeof BuiltSqliteStorage>;
    const again = await mod[descriptor.exportName]?.fromDescriptor(descriptor.options as never);
    if (again) opened.push(again);
    expect(again?.describe()).toEqual(descriptor);
  });

  it('works from the CommonJS bundle, whose descriptor names it', () => {
    const script = `
      const { SqliteStorage } = require(${JSON.stringify(join(packageDir, 'dist', 'index.cjs'))});
      SqliteStorage.open({ path: ${JSON.stringify(newPath())} }).then(async (s) => {
        const job = { id: 'a', name: 'n', payload: 1, priority: 2, runAt: 0, maxAttempts: 1, backoff: null, timeoutMs: null, size: null, idempotencyKey: null };
        const added = await s.enqueue({ queue: 'q', jobs: [job], now: 0 });
        process.stdout.write(JSON.stringify({ url: s.describe().moduleUrl, seq: added.jobs[0].seq }));
        await s.close();
      });`;
    const out = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })) as { url: string; seq: number };
    expect(out).toEqual({ url: expect.stringMatching(/\/dist\/index\.cjs$/), seq: 1 });
  });
});

describe('several processes on one file', () => {
  it('every write of the seam runs under contention without a busy error escaping', async () => {
    const admin = await BuiltSqliteStorage.open({ path: newPath() });
    opened.push(admin);
    const descriptor = admin.describe();
    const child = fileURLToPath(new URL('./children/hammer.mjs', import.meta.url));
    const run = promisify(execFile);
    const reports = await Promise.all(
      ['a', 'b', 'c', 'd'].map(async (workerId) => {
        const input = JSON.stringify({ descriptor, queue: 'q', workerId, durationMs: 1500 });
        const { stdout } = await run(process.execPath, [child, input], { timeout: 20_000 });
        return JSON.parse(stdout) as { added: number; completed: number; errorCount: number; errors: unknown[] };
      }),
    );
    for (const report of reports) {
      expect(report.errors).toEqual([]);
      expect(report.errorCount).toBe(0);
      expect(report.added).toBeGreaterThan(0);
    }
    const stats = await admin.getStats({ queue: 'q', now: Date.now(), windowsMs: [], sampleLimit: 0, workerStaleMs: 60_000 });
    const total = Object.values(stats.counts).reduce((a, b) => a + b, 0) - stats.counts.ready - stats.counts.scheduled;
    expect(total).toBe(reports.reduce((sum, r) => sum + r.added, 0));
    expect(stats.counts.completed).toBe(reports.reduce((sum, r) => sum + r.completed, 0));
    expect(stats.counts.running).toBe(0);
    expect(stats.liveWorkers.map((w) => w.id).sort()).toEqual(['a', 'b', 'c', 'd']);
  }, 30_000);
});
