/**
 * `waitline export --out` and `import --in` at the edges of their files, run as the built bin: an
 * export interrupted by Ctrl-C or SIGTERM leaves no partial file behind, a directory given as the
 * file is refused, typed, before anything is read or written, a file that refuses a write (a
 * full disk, a size limit) is a typed error at `out`, and `import` on a terminal without `--in`
 * says so instead of waiting.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from '@waitline/core';
import { afterAll, describe, expect, it } from 'vitest';
import { pgClient, testStorages } from '../../http/test/storages.js';
import { BIN, startWaitline } from './bin.js';
import { runBin } from './waitline-bin.js';

const kinds = await testStorages();
const postgres = kinds.find((k) => k.name === 'postgres');
const dir = mkdtempSync(join(tmpdir(), 'wl-transfer-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Resolves once `check` is true, polling; rejects after `timeoutMs`. */
async function until(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe.runIf(postgres)('export --out, interrupted', () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`${signal} while the export runs leaves neither the file nor its temporary file`, async () => {
      const db = await postgres!.open();
      const schema = new URL(db.url).searchParams.get('schema')!;
      const where = mkdtempSync(join(dir, `${signal}-`));
      const out = join(where, 'backup.jsonl');
      // A transaction holding the jobs table keeps the export waiting on its first read, so the
      // signal always comes while it runs, its temporary file open.
      const lock = await pgClient();
      try {
        await new Queue(db.storage, 'work').add({ n: 1 });
        await lock.query('BEGIN');
        await lock.query(`LOCK TABLE "${schema}".jobs IN ACCESS EXCLUSIVE MODE`);
        const run = startWaitline(['--storage', db.url, 'export', '--out', out]);
        await until(() => readdirSync(where).some((name) => name.endsWith('.tmp')), 'the temporary file');
        const code = await run.stop(signal);
        // Ended by the signal, as without a listener (a shell reports 128 + n).
        expect(code).toBeNull();
        expect(readdirSync(where)).toEqual([]);
      } finally {
        await lock.query('ROLLBACK').catch(() => undefined);
        await lock.end();
        await db.cleanup();
      }
    });
  }
});

describe('a directory given as the file', () => {
  it('export --out DIR and import --in DIR fail with their typed error at the option, writing nothing', async () => {
    const db = await kinds[0]!.open();
    const where = mkdtempSync(join(dir, 'dir-'));
    const target = mkdtempSync(join(where, 'backups-'));
    try {
      await new Queue(db.storage, 'work').add({ n: 1 });
      const exported = await runBin(['--storage', db.url, 'export', '--out', target]);
      expect(exported).toMatchObject({ code: 1, stdout: '' });
      expect(exported.stderr).toMatch(/^error FILE_NOT_WRITABLE: cannot open ".*": it is a directory .*\(at out\)\n$/);
      // No temporary file beside it, nothing inside it.
      expect(readdirSync(where).map((name) => join(where, name))).toEqual([target]);
      expect(readdirSync(target)).toEqual([]);
      const imported = await runBin(['--storage', db.url, 'import', '--in', target]);
      expect(imported).toMatchObject({ code: 1, stdout: '' });
      expect(imported.stderr).toMatch(/^error FILE_NOT_READABLE: cannot open ".*": it is a directory .*\(at in\)\n$/);
    } finally {
      await db.cleanup();
    }
  });
});

describe.runIf(existsSync('/usr/bin/script'))('import on a terminal', () => {
  it('without --in, stops at once with NO_INPUT at in instead of waiting for typed lines', async () => {
    const db = await kinds[0]!.open();
    try {
      const view = startWaitline(['--storage', db.url, 'import'], { tty: true });
      try {
        await view.waitFor(/error NO_INPUT: .*stdin is a terminal.*\(at in\)/);
        expect(await view.exited()).toBe(1);
      } finally {
        await view.stop('SIGKILL'); // only when it still waits
      }
    } finally {
      await db.cleanup();
    }
  });
});

// A file size limit (ulimit -f) makes the file refuse writes past it (EFBIG), as a full disk does (ENOSPC).
describe.runIf(existsSync('/bin/sh'))('a file that refuses a write', () => {
  it('export --out fails with FILE_NOT_WRITABLE at out, and leaves no file', async () => {
    const db = await kinds[0]!.open();
    const where = mkdtempSync(join(dir, 'limit-'));
    try {
      await new Queue(db.storage, 'work').addBulk(Array.from({ length: 300 }, (_, i) => ({ payload: { i, text: 'x'.repeat(1_000) } })));
      const out = join(where, 'backup.jsonl');
      // 64 blocks of 1 KiB: under the export's 300 KiB, above the SQLite files the read needs.
      const run = spawnSync('/bin/sh', ['-c', 'ulimit -f 64 && exec "$0" "$@"', process.execPath, BIN, '--storage', db.url, 'export', '--out', out], {
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(run).toMatchObject({ status: 1, stdout: '' });
      expect(run.stderr).toMatch(/^error FILE_NOT_WRITABLE: cannot write ".*backup\.jsonl": EFBIG: file too large, write \(at out\)\n$/);
      expect(readdirSync(where)).toEqual([]);
    } finally {
      await db.cleanup();
    }
  });
});
