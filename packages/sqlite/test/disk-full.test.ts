/**
 * A full disk for a moment, made real with `PRAGMA max_page_count` on the app's own connection:
 * the refused write is a `StorageUnavailableError` (nothing half-written), and a worker whose
 * settle hits it keeps the outcome and settles it once there is room: the job ends `completed`,
 * run once, never `failed` by a refusal that was not about the job.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue, StorageUnavailableError, Worker } from '@waitline/core';
import Database from 'better-sqlite3';
import { expect, it } from 'vitest';
import { SqliteStorage } from '../src/index.js';

it('a full disk refuses a write typed, and a settle waits for room instead of failing the job', async () => {
  const db = new Database(join(mkdtempSync(join(tmpdir(), 'wl-full-')), 'jobs.db'));
  const storage = await SqliteStorage.open({ database: db });
  const queue = new Queue<{ n: number; big?: string }, string>(storage, 'q');
  await queue.ready();
  const pages = () => Number(db.pragma('page_count', { simple: true }));
  let runs = 0;
  let full!: () => void;
  const handled = new Promise<void>((r) => (full = r));
  const worker = new Worker(
    queue,
    async () => {
      runs++;
      // The disk fills while the handler runs: nothing more may be written.
      db.pragma(`max_page_count = ${pages()}`);
      full();
      return 'x'.repeat(200_000);
    },
    { heartbeat: 'main', leaseMs: 10_000 },
  );
  const errors: unknown[] = [];
  worker.on('error', (e) => errors.push(e));
  const job = await queue.add({ n: 1 });
  await handled;
  const refused = await queue.add({ n: 2, big: 'y'.repeat(100_000) }).catch((e: unknown) => e);
  expect(refused).toBeInstanceOf(StorageUnavailableError);
  expect((refused as Error).message).toMatch(/SQLITE_FULL/);
  await expect.poll(() => errors.some((e) => e instanceof StorageUnavailableError), { timeout: 5_000 }).toBe(true);
  db.pragma('max_page_count = 1073741823'); // room again
  await expect.poll(async () => (await queue.getJob(job.id))?.state, { timeout: 10_000 }).toBe('completed');
  expect(runs).toBe(1);
  expect((await queue.listJobs({ states: ['queued'] })).items).toHaveLength(0);
  await worker.close();
  await storage.close();
}, 30_000);
