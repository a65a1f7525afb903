/**
 * The demo's and the worker's arguments, as a newcomer types them: a mistake is a one-line
 * message with the usage and exit 2, never a stack trace; `--help` is the usage and exit 0.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SqliteStorage } from '@waitline/sqlite';
import { describe, expect, it } from 'vitest';
import { transcribeQueue } from '../src/pipeline.js';

const here = fileURLToPath(new URL('..', import.meta.url));

function run(script: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: here });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((done) => child.on('exit', (code) => done({ code, stdout, stderr })));
}

describe('arguments', () => {
  it('main: an unknown option is a usage error, not a stack trace', async () => {
    const r = await run('src/main.ts', ['--bogus']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^Unknown option '--bogus'/);
    expect(r.stderr).toContain('Usage:');
    expect(r.stderr).not.toContain('    at ');
  });

  it('worker: --help is the usage, and a bad --concurrency a usage error', async () => {
    const help = await run('src/worker.ts', ['--help']);
    expect([help.code, help.stdout]).toEqual([0, expect.stringContaining('Start the main demo (src/main.ts) first')]);
    const bad = await run('src/worker.ts', ['--storage', 'unused.db', '--concurrency', 'abc']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^--concurrency must be a positive integer, got "abc"/);
    const idle = await run('src/worker.ts', ['--storage', 'unused.db', '--exit-when-idle', 'soon']);
    expect(idle.code).toBe(2);
  });

  it('worker: its log says which job failed and why', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'waitline-worker-log-'));
    try {
      const path = join(dir, 'jobs.db');
      const storage = await SqliteStorage.open({ path });
      const queue = transcribeQueue(storage);
      const missing = await queue.add({ meetingId: 'm-1', user: 'ana', file: join(dir, 'nope.wav'), audioSeconds: 5 });
      await storage.close();
      const r = await run('src/worker.ts', ['--storage', path, '--exit-when-idle', '1']);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`failed ${missing.id}: recording ${join(dir, 'nope.wav')} does not exist`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
}, 60_000);
