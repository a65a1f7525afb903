/**
 * `waitline export`, `import` and `move`, run as the built bin against every storage: a round trip
 * on every ordered pair of storages gives the same lines back, running jobs leave as waiting ones,
 * ETAs are the same after a move, and a newer format, a bad line or a conflict fail with their
 * typed error line, leaving no job half imported.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Clock, Queue, type Storage } from '@waitline/core';
import { SqliteStorage } from '@waitline/sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OpenedStorage, type TestStorage, testStorages } from '../../http/test/storages.js';
import { runBin } from './waitline-bin.js';

const kinds = await testStorages();
const dir = mkdtempSync(join(tmpdir(), 'wl-transfer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const lease = (job: { id: string; leaseToken: string | null }) => ({ id: job.id, leaseToken: job.leaseToken ?? '' });

/**
 * Jobs in every state on `storage`: completed (with progress and result), failed (with error),
 * cancelled, queued with a retry error, scheduled, running, running with a cancel requested;
 * two schedules (cron with a time zone, and every); and a paused second queue with its own configuration
 * and a retention policy.
 */
async function seed(storage: Storage): Promise<{ running: string; cancelling: string }> {
  const work = new Queue(storage, 'work', { maxSize: 1_000 });
  await work.addBulk([
    { payload: { n: 1, text: 'héllo "quoted"' }, options: { priority: 9, idempotencyKey: 'k1', size: 2.5, name: 'transcribe' } },
    { payload: { n: 2 }, options: { priority: 8, attempts: 2 } },
    { payload: { n: 3 }, options: { priority: 7 } },
    { payload: { n: 4 }, options: { priority: 6 } },
    { payload: { n: 5 }, options: { priority: 5, attempts: 3, backoff: { kind: 'fixed', delayMs: 100 }, timeoutMs: 5_000 } },
    { payload: { n: 6 }, options: { delayMs: 3_600_000 } },
  ]);
  const cancelled = await work.add({ n: 7 });
  await work.cancel(cancelled.id);
  const now = work.clock.now() + 1;
  const [a, b, c, d, e] = await storage.claim({ queue: 'work', workerId: 'w1', limit: 5, leaseMs: 600_000, now });
  if (!a || !b || !c || !d || !e) throw new Error('seed: expected 5 claimed jobs');
  await storage.reportProgress({ queue: 'work', ...lease(a), progress: { percent: 50, stage: 'half', data: { k: [1, 2] } }, now: now + 1 });
  const error = { name: 'Error', message: 'boom', code: 'E_SEED', attempt: 1, at: now + 2 };
  await storage.settle({
    queue: 'work',
    now: now + 2,
    completed: [{ ...lease(a), result: { text: 'done', words: 2 } }],
    failed: [
      { ...lease(b), error, retryAt: null },
      { ...lease(e), error, retryAt: now + 3_600_000 },
    ],
  });
  await work.cancel(d.id);
  await storage.upsertQueue({ name: 'work', concurrency: 3, now });
  await work.schedule('pulse', { every: 60_000, payload: { n: 0 }, catchUp: 'none' });
  await work.schedule('nightly', { cron: '0 30 2 * * *', tz: 'Europe/Paris', payload: { report: 'daily' }, options: { priority: 3 } });
  const other = new Queue(storage, 'other', { maxStalls: 3, retention: { completed: { maxCount: 100 }, failed: { maxAgeMs: 86_400_000 } } });
  await other.add({ o: true });
  await other.pause();
  return { running: c.id, cancelling: d.id };
}

const lines = (text: string) => text.split('\n').filter((l) => l !== '');

/** The lines with each schedule's createdAt and updatedAt left out: an import stores them at its own time. */
const withoutScheduleTimes = (list: string[]) =>
  list.map((l) => (l.startsWith('{"type":"schedule"') ? JSON.stringify({ ...JSON.parse(l), createdAt: 0, updatedAt: 0 }) : l));

for (const source of kinds) {
  describe(`export from ${source.name}`, () => {
    let src: OpenedStorage;
    let file: string;
    let exported: string[];
    let ids: { running: string; cancelling: string };

    beforeAll(async () => {
      src = await source.open();
      ids = await seed(src.storage);
      file = join(dir, `${source.name}.jsonl`);
      const r = await runBin(['--storage', src.url, 'export', '--out', file]);
      expect(r).toMatchObject({ code: 0, stderr: '' });
      expect(r.stdout).toBe(`exported 8 job(s) and 2 schedule(s) of 2 queue(s) to ${file}\n`);
      // Payloads and webhook tokens: readable by the owner only.
      expect(statSync(file).mode & 0o777).toBe(0o600);
      exported = lines(readFileSync(file, 'utf8'));
    });
    afterAll(() => src?.cleanup());

    it('leaves an existing file as it was when the export fails, and exports a queue named twice once', async () => {
      const before = readFileSync(file, 'utf8');
      const typo = await runBin(['--storage', src.url, 'export', 'work', 'no-such-queue', '--out', file]);
      expect(typo.code).toBe(2);
      expect(typo.stderr).toMatch(/^error VALIDATION: no queue named "no-such-queue".*\(at queues\.1\)/);
      expect(readFileSync(file, 'utf8')).toBe(before);
      expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
      const twice = await runBin(['--storage', src.url, 'export', 'other', 'other']);
      expect(lines(twice.stdout).map((l) => JSON.parse(l).type)).toEqual(['header', 'queue', 'job']);
    });

    it('refuses a move of an unknown queue before it opens the target: --migrate creates nothing', async () => {
      const target = join(dir, `${source.name}-refused.db`);
      const refused = await runBin(['move', '--from', src.url, '--to', `sqlite:${target}`, '--migrate', 'work', 'no-such-queue']);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/^error VALIDATION: no queue named "no-such-queue".*\(at queues\.1\)/);
      expect(existsSync(target)).toBe(false);
    });

    it('writes a header, the queue configurations, the schedules, then every job; running jobs as waiting', async () => {
      const [header, ...rest] = exported.map((l) => JSON.parse(l));
      expect(header).toMatchObject({ type: 'header', format: 3, source: { storage: expect.stringMatching(/Storage$/) } });
      expect(JSON.stringify(header)).not.toMatch(/password/);
      expect(rest.slice(0, 2)).toEqual([
        {
          type: 'queue',
          name: 'other',
          concurrency: null,
          maxSize: null,
          paused: true,
          maxStalls: 3,
          draining: false,
          retention: { completed: { maxCount: 100 }, failed: { maxAgeMs: 86_400_000 } },
        },
        { type: 'queue', name: 'work', concurrency: 3, maxSize: 1_000, paused: false, maxStalls: 1, draining: false },
      ]);
      expect(rest.slice(2, 4)).toEqual([
        expect.objectContaining({ type: 'schedule', queue: 'work', key: 'nightly', cron: '0 30 2 * * *', tz: 'Europe/Paris', every: null, catchUp: 'one' }),
        expect.objectContaining({ type: 'schedule', queue: 'work', key: 'pulse', cron: null, tz: null, every: 60_000, catchUp: 'none', lastRunAt: null }),
      ]);
      expect(rest[2]).toMatchObject({ payload: { report: 'daily' }, options: { priority: 3 }, nextRunAt: expect.any(Number) });
      const jobs = rest.slice(4);
      expect(jobs.map((j) => j.queue)).toEqual(['other', ...Array(7).fill('work')]);
      expect(jobs.find((j) => j.id === ids.running)).toMatchObject({ state: 'queued', attempt: 0, finishedAt: null });
      expect(jobs.find((j) => j.id === ids.cancelling)).toMatchObject({ state: 'cancelled', cancelRequested: true, attempt: 1 });
      for (const job of jobs) expect(Object.keys(job)).not.toContain('leaseToken');
      // One queue to stdout: its configuration and its jobs (the job exported cancelled carries each export's time).
      const one = await runBin(['--storage', src.url, 'export', 'work']);
      const steady = (list: string[]) => list.filter((l) => !l.includes(ids.cancelling));
      expect(steady(lines(one.stdout).slice(1))).toEqual(steady([...exported.slice(2, 5), ...exported.slice(6)]));
    });

    for (const target of kinds) {
      it(`round-trips into a fresh ${target.name}: import, export again, the same lines`, async () => {
        const dst = await target.open();
        try {
          const imported = await runBin(['--storage', dst.url, 'import', '--in', file, '--json']);
          expect(imported.stderr).toBe('');
          expect(JSON.parse(imported.stdout)).toEqual({ queues: 2, schedules: 2, jobs: 8, skipped: 0, replaced: 0 });
          const again = await runBin(['--storage', dst.url, 'export']);
          expect(again.code).toBe(0);
          expect(withoutScheduleTimes(lines(again.stdout).slice(1))).toEqual(withoutScheduleTimes(exported.slice(1)));
        } finally {
          await dst.cleanup();
        }
      });
    }
  });
}

/** A clock standing still, so two queues compute their ETAs at the same instant. */
const still = (now: number): Clock => ({ now: () => now });

async function etaOf(storage: Storage, id: string, now: number) {
  await storage.registerWorker({ id: 'eta-worker', queue: 'eta', host: 'h', pid: 1, concurrency: 2, now });
  const queue = new Queue(storage, 'eta', { clock: still(now) });
  const status = await queue.getStatus(id);
  const stats = await queue.getStats();
  return { position: status.position, eta: status.eta, stats };
}

for (const source of kinds) {
  describe(`move from ${source.name}`, () => {
    it('into a new SQLite file (--migrate): the same stats and ETAs, finished samples included', async () => {
      const src = await source.open();
      const path = join(dir, `moved-${source.name}.db`);
      let dst: Storage | undefined;
      try {
        const q = new Queue(src.storage, 'eta', { concurrency: 2 });
        const done = await q.addBulk([1, 2, 3, 4].map((n) => ({ payload: { n }, options: { size: n } })));
        const t = q.clock.now() + 1;
        for (const [i, job] of done.entries()) {
          const [claimed] = await src.storage.claim({ queue: 'eta', workerId: 'w', limit: 1, leaseMs: 60_000, now: t + i * 1_000 });
          expect(claimed?.id).toBe(job.id);
          await src.storage.settle({ queue: 'eta', now: t + i * 1_000 + 400 * (i + 1), completed: [{ ...lease(claimed!), result: null }] });
        }
        const waiting = await q.addBulk([5, 6, 7].map((n) => ({ payload: { n }, options: { size: n } })));
        const refused = await runBin(['move', '--from', src.url, '--to', `sqlite:${path}`]);
        expect(refused.code).toBe(2);
        expect(refused.stderr).toMatch(/^error VALIDATION: .*no such file.*\(at storage\)/);
        // The same storage, spelled another way (a path through '.', localhost for 127.0.0.1): a move into itself is refused before it starts.
        const respelled = src.url.startsWith('sqlite:') ? src.url.replace(/\/([^/]+)$/, '/./$1') : src.url.replace('127.0.0.1', 'localhost');
        const itself = await runBin(['move', '--from', src.url, '--to', respelled, '--on-conflict', 'replace']);
        expect([itself.code, itself.stderr]).toEqual([2, expect.stringMatching(/same storage.*\(at to\)/)]);
        const moved = await runBin(['move', '--from', src.url, '--to', `sqlite:${path}`, '--migrate', 'eta']);
        expect(moved).toMatchObject({ code: 0, stdout: 'imported 7 job(s) (0 replaced, 0 skipped), 1 queue configuration(s) and 0 schedule(s)\n' });
        dst = await SqliteStorage.open({ path });
        const at = t + 10_000;
        const before = await etaOf(src.storage, waiting[2]!.id, at);
        const after = await etaOf(dst, waiting[2]!.id, at);
        expect(before.eta?.basis).toBe('size');
        expect(after).toEqual(before);
      } finally {
        await dst?.close();
        await src.cleanup();
      }
    });
  });
}

describe.each(kinds.map((k) => [k.name, k] as [string, TestStorage]))('import into %s: refusals', (_name, kind) => {
  let db: OpenedStorage;
  beforeAll(async () => {
    db = await kind.open();
  });
  afterAll(() => db?.cleanup());

  const header = (format: number) => JSON.stringify({ type: 'header', format, source: { storage: 'Test' }, exportedAt: new Date().toISOString() });
  const job = (queue: string, id: string, extra: Record<string, unknown> = {}) =>
    JSON.stringify({
      type: 'job',
      queue,
      id,
      name: 'job',
      payload: { id },
      state: 'queued',
      priority: 2,
      runAt: 1_700_000_000_000,
      attempt: 0,
      maxAttempts: 1,
      stalls: 0,
      backoff: null,
      timeoutMs: null,
      size: null,
      idempotencyKey: null,
      createdAt: 1_700_000_000_000,
      startedAt: null,
      finishedAt: null,
      cancelRequested: false,
      progress: null,
      result: null,
      error: null,
      traceparent: null,
      ...extra,
    });
  const importing = (text: string, ...args: string[]) => runBin(['--storage', db.url, 'import', ...args], { stdin: text });

  it('refuses a newer format and a file without a header, writing nothing', async () => {
    const newer = await importing([header(4), job('a', 'n1')].join('\n'));
    expect(newer.code).toBe(1);
    expect(newer.stderr).toMatch(/^error IMPORT_FORMAT: the file is in format 4, newer than format 3 .*\(at 1\)\n$/);
    const missing = await runBin(['--storage', db.url, 'import', '--in', join(dir, 'missing.jsonl')]);
    expect(missing).toMatchObject({ code: 1, stdout: '' });
    expect(missing.stderr).toMatch(/^error FILE_NOT_READABLE: cannot open .*missing\.jsonl.* \(at in\)\n$/);
    const headless = await importing(`${job('a', 'n2')}\n`);
    expect(headless.stderr).toMatch(/^error IMPORT_FORMAT: line 1 is not an export header/);
    expect(await db.storage.getJob({ queue: 'a', id: 'n1' })).toBeNull();
    expect(await db.storage.getQueue('a')).toBeNull();
  });

  it('names a bad line; what was written before it is whole, its batch is not written', async () => {
    const text = [header(1), job('a', 'b1'), job('b', 'b2'), job('b', 'b3', { priority: 0 }), job('b', 'b4')].join('\n');
    const bad = await importing(text);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(
      /^error IMPORT_ABORTED: import stopped at line 4: line 4: invalid job line at priority: .*1 job\(s\) .* imported before it, each whole \(at 4\.priority\)\n$/,
    );
    expect((await db.storage.getJob({ queue: 'a', id: 'b1' }))?.state).toBe('queued');
    expect(await db.storage.getJob({ queue: 'b', id: 'b2' })).toBeNull();
    const notJson = await importing([header(1), '{"type":"job",'].join('\n'));
    expect(notJson.stderr).toMatch(/^error IMPORT_ABORTED: import stopped at line 2: line 2: not valid JSON/);
  });

  it('refuses what an add refuses, at its field: too many attempts, an endless timeout, a huge size, a payload that is no object', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ maxAttempts: 3_000_000_000 }, 'maxAttempts'],
      [{ attempt: 3_000_000_000 }, 'attempt'],
      [{ timeoutMs: 2 ** 31 }, 'timeoutMs'],
      [{ size: 1e13 }, 'size'],
      [{ payload: [1] }, 'payload'],
      [{ payload: null }, 'payload'],
    ];
    for (const [extra, field] of cases) {
      const id = `bound-${field}-${JSON.stringify(extra).length}`;
      const bad = await importing([header(1), job('bounds', id, extra)].join('\n'));
      expect([field, bad.code, bad.stderr]).toEqual([field, 1, expect.stringMatching(new RegExp(`invalid job line at ${field}: .*\\(at 2\\.${field}\\)\n$`))]);
      expect(await db.storage.getJob({ queue: 'bounds', id })).toBeNull();
    }
  });

  it('applies queue lines: paused at once, draining once the jobs are in (an import is not an add)', async () => {
    const queueLine = JSON.stringify({ type: 'queue', name: 'cfg', concurrency: 2, maxSize: 1, paused: true, maxStalls: 0, draining: true });
    const text = [header(1), queueLine, job('cfg', 'cfg1'), job('cfg', 'cfg2')].join('\n');
    const r = await importing(text, '--json');
    expect(JSON.parse(r.stdout)).toEqual({ queues: 1, schedules: 0, jobs: 2, skipped: 0, replaced: 0 });
    expect(await db.storage.getQueue('cfg')).toEqual({ name: 'cfg', concurrency: 2, maxSize: 1, paused: true, maxStalls: 0, draining: true });
    expect((await db.storage.getJob({ queue: 'cfg', id: 'cfg2' }))?.state).toBe('queued');
  });

  it('checks schedule lines as queue.schedule() does, and stores them with their ticks once the jobs are in', async () => {
    const schedule = (key: string, extra: Record<string, unknown> = {}) =>
      JSON.stringify({
        type: 'schedule',
        queue: 's',
        key,
        cron: null,
        tz: null,
        every: 60_000,
        catchUp: 'one',
        payload: { key },
        options: {},
        nextRunAt: 1_700_000_060_000,
        lastRunAt: 1_700_000_000_000,
        createdAt: 1_699_000_000_000,
        updatedAt: 1_699_000_000_000,
        ...extra,
      });
    const bad = await importing([header(2), schedule('bad', { every: null, cron: 'not a cron' })].join('\n'));
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^error IMPORT_ABORTED: import stopped at line 2: line 2: invalid schedule line: .* \(at 2\.cron\)\n$/);
    const both = await importing([header(2), schedule('bad', { cron: '* * * * *' })].join('\n'));
    expect(both.stderr).toMatch(/exactly one of cron and every/);
    expect(await db.storage.listSchedules({ queue: 's' })).toEqual([]);
    const ok = await importing([header(2), schedule('tick'), job('s', 's1')].join('\n'), '--json');
    expect(JSON.parse(ok.stdout)).toEqual({ queues: 0, schedules: 1, jobs: 1, skipped: 0, replaced: 0 });
    const [stored] = await db.storage.listSchedules({ queue: 's' });
    expect(stored).toMatchObject({ key: 'tick', every: 60_000, payload: { key: 'tick' }, nextRunAt: 1_700_000_060_000, lastRunAt: 1_700_000_000_000 });
    const retimed = [header(2), schedule('tick', { every: 120_000, nextRunAt: 1_700_000_120_000, lastRunAt: null })].join('\n');
    expect(JSON.parse((await importing(retimed, '--on-conflict', 'skip', '--json')).stdout)).toMatchObject({ schedules: 0 });
    expect((await db.storage.listSchedules({ queue: 's' }))[0]).toEqual(stored);
    expect(JSON.parse((await importing(retimed, '--json')).stdout)).toMatchObject({ schedules: 1 });
    expect((await db.storage.listSchedules({ queue: 's' }))[0]).toMatchObject({ every: 120_000, nextRunAt: 1_700_000_120_000, lastRunAt: 1_700_000_000_000 });
  });

  it('on a conflict fails (nothing of the batch written), skips or replaces as told', async () => {
    const text = [header(1), job('c', 'c1'), job('c', 'c2', { idempotencyKey: 'key' })].join('\n');
    expect((await importing(text)).code).toBe(0);
    const again = [header(1), job('c', 'c3'), job('c', 'c1', { priority: 5 }), job('c', 'c4', { idempotencyKey: 'key' })].join('\n');
    const failed = await importing(again);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/^error IMPORT_ABORTED: import stopped at line 3: cannot import job "c1": a stored job has id "c1".* \(at 3\.id\)\n$/);
    expect(await db.storage.getJob({ queue: 'c', id: 'c3' })).toBeNull();
    const skipped = await importing(again, '--on-conflict', 'skip', '--json');
    expect(JSON.parse(skipped.stdout)).toEqual({ queues: 0, schedules: 0, jobs: 1, skipped: 2, replaced: 0 });
    expect((await db.storage.getJob({ queue: 'c', id: 'c1' }))?.priority).toBe(2);
    const replaced = await importing(again, '--on-conflict', 'replace', '--json');
    expect(JSON.parse(replaced.stdout)).toEqual({ queues: 0, schedules: 0, jobs: 3, skipped: 0, replaced: 3 });
    expect((await db.storage.getJob({ queue: 'c', id: 'c1' }))?.priority).toBe(5);
    expect(await db.storage.getJob({ queue: 'c', id: 'c2' })).toBeNull();
    expect((await importing(again, '--on-conflict', 'merge')).code).toBe(2);
  });
});
