/**
 * The bin as a pipeline sees it: when its reader goes away (`waitline watch q | head -3`) a quiet
 * exit 0, not an unhandled EPIPE with a stack trace and exit 1; and a `watch --refresh` no timer
 * can hold refused before anything is drawn.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
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
