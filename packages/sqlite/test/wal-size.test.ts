/**
 * The WAL file gives back what a long reader made it grow: a reader holding one snapshot keeps
 * checkpoints from passing it, so the WAL grows past its usual 40 MiB; once the reader lets go, a
 * checkpoint copies it all back and the next commit cuts the file to `journal_size_limit`.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NewJob } from '@waitline/core';
import { newJob } from '@waitline/storage-contract';
import Database from 'better-sqlite3';
import { afterAll, expect, it } from 'vitest';
import { openConnection, resolveOptions, WAL_SIZE_LIMIT_BYTES } from '../src/connection.js';
import { SqliteStorage } from '../src/index.js';

/** The limit this test holds the storage to: 64 MiB (written out, so it also runs against older code). */
const LIMIT = 64 * 1024 * 1024;
const dir = mkdtempSync(join(tmpdir(), 'waitline-sqlite-wal-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let jobCounter = 0;
/** A job whose payload takes about 100 KB, so a few hundred adds outgrow the limit. */
function bigJob(): NewJob {
  jobCounter += 1;
  return newJob({ id: `job-${jobCounter}`, payload: { i: jobCounter, pad: 'x'.repeat(100_000) } });
}

it('the storage connection sets journal_size_limit to 64 MiB', () => {
  expect(WAL_SIZE_LIMIT_BYTES).toBe(LIMIT);
  const db = openConnection(resolveOptions({ path: join(dir, 'pragma.db') }));
  try {
    expect(db.pragma('journal_size_limit', { simple: true })).toBe(LIMIT);
  } finally {
    db.close();
  }
});

it('after a reader held a snapshot over many adds, the WAL is cut back under the limit once it lets go', async () => {
  const path = join(dir, 'grown.db');
  const walSize = () => statSync(`${path}-wal`).size;
  const storage = await SqliteStorage.open({ path });
  const reader = new Database(path, { readonly: true });
  try {
    reader.exec('BEGIN');
    reader.prepare('SELECT count(*) AS n FROM jobs').get(); // the snapshot starts here
    while (walSize() <= LIMIT + 4 * 1024 * 1024) {
      await storage.enqueue({ queue: 'q', jobs: Array.from({ length: 10 }, bigJob), now: 1 });
    }
    reader.exec('COMMIT');
    // The first add's commit checkpoints the whole WAL (the reader is gone); the second starts
    // the WAL over from its first frame and, committing, truncates the file to the limit.
    await storage.enqueue({ queue: 'q', jobs: [bigJob()], now: 1 });
    await storage.enqueue({ queue: 'q', jobs: [bigJob()], now: 1 });
    expect(walSize()).toBeLessThanOrEqual(LIMIT);
    expect((await storage.listJobs({ queue: 'q', limit: 1 })).items).toHaveLength(1);
  } finally {
    reader.close();
    await storage.close();
  }
}, 60_000);
