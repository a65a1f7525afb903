import { describe, expect, it } from 'vitest';
import { ImportAbortedError, StorageUnavailableError } from '../src/errors.js';
import { ManualClock } from '../src/memory/manual-clock.js';
import { MemoryStorage } from '../src/memory/memory-storage.js';
import { Queue } from '../src/queue.js';
import { exportJobs } from '../src/transfer/export.js';
import { importJobs } from '../src/transfer/import.js';

const T0 = 1_700_000_000_000;

/** An export of one queue holding one job and one schedule: its lines are the templates below. */
async function exported(): Promise<Record<string, unknown>[]> {
  const storage = new MemoryStorage({ clock: new ManualClock(T0) });
  const q = new Queue(storage, 'q');
  await q.add({}, { attempts: 3 });
  await q.schedule('tick', { every: 60_000, payload: {} });
  const lines: Record<string, unknown>[] = [];
  for await (const line of exportJobs(storage, { now: () => T0 })) lines.push(JSON.parse(line) as Record<string, unknown>);
  return lines;
}

const lines = await exported();
const template = (type: string) => lines.find((l) => l.type === type) as Record<string, unknown>;
const header = async () => JSON.stringify(template('header'));
const job = (fields: Record<string, unknown> = {}) => JSON.stringify({ ...template('job'), id: 'j1', ...fields });
const queue = (fields: Record<string, unknown> = {}) => JSON.stringify({ ...template('queue'), ...fields });
const schedule = (fields: Record<string, unknown> = {}) => JSON.stringify({ ...template('schedule'), ...fields });

const NUL = String.fromCharCode(0);
const webhook = { url: 'https://example.com/hook', events: ['completed'], token: null, includePayload: false, progressIntervalMs: 5_000 };

describe('an import refuses what the API refuses, and writes nothing of that line', () => {
  const bad: Array<[string, string, Array<string | number>]> = [
    ['a queue name new Queue refuses', queue({ name: 'bad name/with space' }), [2, 'name']],
    ['concurrency 0', queue({ concurrency: 0 }), [2, 'concurrency']],
    ['maxStalls past 1000', queue({ maxStalls: 5_000 }), [2, 'maxStalls']],
    ['a job of a queue no Queue can name', job({ queue: 'a}b' }), [2, 'queue']],
    ['an ftp webhook with a password', job({ webhook: { ...webhook, url: 'ftp://user:pw@example.com/' } }), [2, 'webhook', 'url']],
    ['a webhook that is not an object', job({ webhook: 'not an object' }), [2, 'webhook']],
    ['a webhook without events', job({ webhook: { ...webhook, events: undefined } }), [2, 'webhook', 'events']],
    ['an exponential backoff without baseMs', job({ backoff: { kind: 'exponential' } }), [2, 'backoff', 'baseMs']],
    [
      'a NUL in an error message',
      job({ state: 'failed', finishedAt: T0, error: { name: 'E', message: `a${NUL}b`, attempt: 1, at: T0 } }),
      [2, 'error', 'message'],
    ],
    ['a lone surrogate in a progress stage', job({ progress: { percent: 5, stage: '\ud800', updatedAt: T0 } }), [2, 'progress', 'stage']],
    ['a NUL in a traceparent', job({ traceparent: NUL }), [2, 'traceparent']],
    ['a schedule payload that is null', schedule({ payload: null }), [2, 'payload']],
    ['a schedule payload that is an array', schedule({ payload: [1, 2] }), [2, 'payload']],
    ['a schedule of a queue no Queue can name', schedule({ queue: 'has space' }), [2, 'queue']],
    ['a group of a queue no Queue can name', JSON.stringify({ type: 'group', queue: 'a}b', group: 'g', weight: 1 }), [2, 'queue']],
  ];
  for (const [what, line, path] of bad) {
    it(what, async () => {
      const storage = new MemoryStorage();
      const err = await importJobs(storage, [await header(), line], { onConflict: 'fail' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ImportAbortedError);
      expect(err).toMatchObject({ line: 2, reason: 'IMPORT_LINE', path });
      expect((await storage.listQueues()).length).toBe(0);
    });
  }

  it('takes the stored forms add writes: a custom backoff marker, a full webhook, a job error with a stack', async () => {
    const storage = new MemoryStorage();
    const error = { name: 'Error', message: 'boom', stack: 'Error: boom\n    at x', code: 'E_BOOM', attempt: 1, at: T0 };
    const lines = [job({ backoff: { kind: 'custom' }, webhook }), job({ id: 'j2', state: 'failed', finishedAt: T0, error })];
    expect(await importJobs(storage, [await header(), ...lines], { onConflict: 'fail' })).toMatchObject({ jobs: 2 });
  });
});

describe('import batches', () => {
  it('writes a batch once its lines pass batchChars, before batchSize', async () => {
    const storage = new MemoryStorage();
    const calls: number[] = [];
    const write = storage.importJobs.bind(storage);
    storage.importJobs = (p) => {
      calls.push(p.jobs.length);
      return write(p);
    };
    const big = 'x'.repeat(1_000);
    const lines = Array.from({ length: 10 }, (_, i) => job({ id: `j${i}`, payload: { big } }));
    await importJobs(storage, [await header(), ...lines], { onConflict: 'fail', batchChars: 3_000 });
    expect(calls).toEqual([3, 3, 3, 1]);
  });

  it("an input that fails after its header (a move's source storage) stops the import typed, with what it wrote", async () => {
    const storage = new MemoryStorage();
    const gone = new StorageUnavailableError('Postgres storage (schema "old") is unavailable: Connection terminated');
    async function* source(): AsyncGenerator<string> {
      yield await header();
      yield queue();
      for (let i = 0; i < 3; i += 1) yield job({ id: `j${i}` });
      throw gone;
    }
    const error = await importJobs(storage, source(), { onConflict: 'fail', batchSize: 2 }).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ImportAbortedError);
    // Stopped before line 6, the one it could not read; the first batch (2 jobs) is in, whole.
    expect(error).toMatchObject({ line: 6, reason: 'STORAGE_UNAVAILABLE', cause: gone, path: [6], summary: { queues: 1, jobs: 2 } });
    expect((error as Error).message).toMatch(
      /^import stopped at line 6: Postgres storage .* unavailable.*; 2 job\(s\) and 1 queue configuration\(s\) were imported before it/,
    );
    expect((await storage.listJobs({ queue: 'q', limit: 10 })).items.map((j) => j.id).sort()).toEqual(['j0', 'j1']);
  });

  it("an input that fails before its header is the input's own error: nothing was written", async () => {
    const unknown = new Error('no queue named "typo"');
    async function* source(): AsyncGenerator<string> {
      yield* [];
      throw unknown;
    }
    await expect(importJobs(new MemoryStorage(), source(), { onConflict: 'fail' })).rejects.toBe(unknown);
  });
});
