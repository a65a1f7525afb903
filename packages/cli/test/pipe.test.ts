/**
 * The bin as a pipeline sees it: when its reader goes away (`waitline watch q | head -3`) a quiet
 * exit 0, not an unhandled EPIPE with a stack trace and exit 1; an output that cannot be written
 * (a full disk) one typed error line and exit 1; and a `watch --refresh` no timer can hold refused
 * before anything is drawn.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Queue } from '@waitline/core';
import { SqliteStorage } from '@waitline/sqlite';
import { expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));

it('stops quietly with exit 0 once the reader of its output is gone', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'wl-pipe-')), 'jobs.db');
  const storage = await SqliteStorage.open({ path });
  const queue = new Queue(storage, 'work');
  for (let i = 0; i < 50; i++) await queue.add({ i });
  await storage.close();
  const child = spawn(process.execPath, [BIN, '--storage', `sqlite:${path}`, 'watch', 'work', '--refresh', '100ms'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
  });
  // Read the first frame, then close the pipe as `head` does.
  child.stdout.once('data', () => child.stdout.destroy());
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  expect(stderr).not.toContain('EPIPE');
  expect(code).toBe(0);
}, 30_000);

// /dev/full answers every write with ENOSPC, as a full disk behind `waitline export > backup.jsonl` does.
it.runIf(existsSync('/dev/full'))(
  'an output it cannot write (a full disk) is one typed error line and exit 1, no stack trace',
  async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'wl-pipe-')), 'jobs.db');
    const storage = await SqliteStorage.open({ path });
    await new Queue(storage, 'work').add({ i: 1 });
    await storage.close();
    const full = openSync('/dev/full', 'w');
    try {
      for (const args of [['export'], ['list', 'work']]) {
        const child = spawn(process.execPath, [BIN, '--storage', `sqlite:${path}`, ...args], { stdio: ['ignore', full, 'pipe'] });
        let stderr = '';
        child.stderr?.setEncoding('utf8').on('data', (d: string) => {
          stderr += d;
        });
        const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
        expect([args[0], code]).toEqual([args[0], 1]);
        expect(stderr).toMatch(/^error OUTPUT_NOT_WRITABLE: cannot write the output: ENOSPC: no space left on device, write\n$/);
      }
    } finally {
      closeSync(full);
    }
  },
  30_000,
);

it('refuses a --refresh longer than a Node timer holds (it would fire at once, redrawing nonstop)', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'wl-pipe-')), 'jobs.db');
  const storage = await SqliteStorage.open({ path });
  await new Queue(storage, 'work').ready();
  await storage.close();
  const child = spawn(process.execPath, [BIN, '--storage', `sqlite:${path}`, 'watch', 'work', '--refresh', '30d'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
  });
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  expect(code).toBe(2);
  expect(stderr).toMatch(/^error VALIDATION: --refresh must be at most .*\(at refresh\)/);
}, 30_000);
