/**
 * What `open` refuses up front instead of failing every write later: a database this process
 * cannot write (a read-only file, a read-only connection of the app's own, a directory where the
 * `-wal` and `-shm` files cannot be made), and a URI path that better-sqlite3 would take for a
 * file name. And what it must not refuse: a file whose write lock another process holds.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StorageUnavailableError, ValidationError } from '@waitline/core';
import Database from 'better-sqlite3';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { SqliteStorage } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'waitline-sqlite-open-'));
let counter = 0;
const undos: Array<() => void> = [];
afterEach(() => {
  for (const undo of undos.splice(0).reverse()) undo();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A migrated database file in a directory of its own, closed again (its WAL checkpointed away). */
async function existingDatabase(): Promise<{ folder: string; path: string }> {
  const folder = join(dir, `case-${++counter}`);
  mkdirSync(folder);
  const path = join(folder, 'jobs.db');
  const storage = await SqliteStorage.open({ path });
  await storage.close();
  return { folder, path };
}

/** True when this process can write the file, or create a file in the directory. */
function writable(target: string): boolean {
  try {
    if (statSync(target).isDirectory()) {
      writeFileSync(join(target, '.write-probe'), '');
      rmSync(join(target, '.write-probe'));
    } else {
      closeSync(openSync(target, 'r+'));
    }
    return true;
  } catch {
    return false;
  }
}

/**
 * Makes `target` (a file or a directory) read-only for this process until the test ends, and
 * says how: by file mode, or, where that does not stop the process (root ignores modes), by
 * `chattr +i` (immutable: not even root writes it). Null when neither works here.
 */
function makeReadOnly(target: string): string | null {
  const mode = statSync(target).mode & 0o777;
  chmodSync(target, statSync(target).isDirectory() ? 0o555 : 0o444);
  if (!writable(target)) {
    undos.push(() => chmodSync(target, mode));
    return 'mode';
  }
  chmodSync(target, mode);
  try {
    execFileSync('chattr', ['+i', target], { stdio: 'pipe' });
  } catch {
    return null;
  }
  undos.push(() => execFileSync('chattr', ['-i', target], { stdio: 'pipe' }));
  return writable(target) ? null : 'chattr +i';
}

/** Skips the test, loudly, where no read-only file can be arranged. */
function skipLoudly(skip: (note: string) => never, target: string): never {
  const note = `SKIPPED: cannot make ${target} read-only here (file mode does not stop this user, and chattr +i failed)`;
  console.warn(`\n*** ${note} ***\n`);
  return skip(note);
}

async function refusal(options: Parameters<typeof SqliteStorage.open>[0]): Promise<StorageUnavailableError> {
  const err = await SqliteStorage.open(options).then(
    async (storage) => {
      await storage.close();
      return new Error('open succeeded');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(StorageUnavailableError);
  return err as StorageUnavailableError;
}

describe('a database this process cannot write', () => {
  it('a read-only file is refused at open with StorageUnavailableError naming it, path ["path"]', async ({ skip }) => {
    const { path } = await existingDatabase();
    if (makeReadOnly(path) === null) skipLoudly(skip, path);
    const err = await refusal({ path });
    expect(err.code).toBe('STORAGE_UNAVAILABLE');
    expect(err.path).toEqual(['path']);
    expect(err.message).toContain(`"${path}" is read-only`);
    expect((err.cause as { code: string }).code).toMatch(/^SQLITE_READONLY/);
  });

  it('a directory where the -wal and -shm files cannot be made is refused at open as read-only', async ({ skip }) => {
    const { folder, path } = await existingDatabase();
    expect(existsSync(`${path}-shm`)).toBe(false);
    if (makeReadOnly(folder) === null) skipLoudly(skip, folder);
    const err = await refusal({ path });
    expect(err.path).toEqual(['path']);
    // READONLY_DIRECTORY where access() sees the directory read-only; CANTOPEN for root before an immutable one.
    expect(err.message).toMatch(/ (is read-only|cannot be written): its (directory|-wal or -shm file) /);
    expect(err.message).toContain(`"${path}"`);
    expect((err.cause as { code: string }).code).toMatch(/^SQLITE_(READONLY_DIRECTORY|CANTOPEN)$/);
  });

  it("the app's own read-only connection is refused at open, path ['database'], and left open", async () => {
    const { path } = await existingDatabase();
    const database = new Database(path, { readonly: true });
    try {
      const err = await refusal({ database });
      expect(err.path).toEqual(['database']);
      expect(err.message).toContain(`"${path}" is read-only`);
      expect(database.open).toBe(true);
    } finally {
      database.close();
    }
  });

  it('a write lock held by another connection neither delays nor fails open (the probe does not wait)', async () => {
    const { path } = await existingDatabase();
    const other = new Database(path);
    other.exec('BEGIN IMMEDIATE');
    let storage: SqliteStorage | undefined;
    try {
      const started = Date.now();
      storage = await SqliteStorage.open({ path, busyTimeoutMs: 5_000 });
      expect(Date.now() - started).toBeLessThan(1_000);
      expect(storage.describe().options).toMatchObject({ path, busyTimeoutMs: 5_000 });
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    await storage.upsertQueue({ name: 'q', now: 1 });
    expect(await storage.getQueue('q')).not.toBeNull();
    await storage.close();
  });
});

describe('a URI path', () => {
  it("is refused with a ValidationError at ['path'] naming the way out, and creates no file", async () => {
    const uris = ['file::memory:', 'file:jobs-uri.db?mode=ro', 'FILE:jobs-uri.db'];
    const strays = uris.flatMap((uri) => ['', '-wal', '-shm', '-journal'].map((suffix) => join(process.cwd(), uri + suffix)));
    try {
      for (const uri of uris) {
        const err = await SqliteStorage.open({ path: uri }).then(
          (s) => s.close().then(() => new Error(`open accepted ${uri}`)),
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(ValidationError);
        expect((err as ValidationError).path).toEqual(['path']);
        expect((err as Error).message).toContain("pass a plain file path or ':memory:'");
        expect(() => SqliteStorage.descriptor({ path: uri })).toThrow(ValidationError);
      }
      expect(strays.filter((stray) => existsSync(stray))).toEqual([]);
    } finally {
      for (const stray of strays) rmSync(stray, { force: true });
    }
    // A file really named so is reached by a path that is not a URI.
    const named = await SqliteStorage.open({ path: join(dir, 'file:named.db') });
    expect(named.describe().options).toMatchObject({ path: join(dir, 'file:named.db') });
    await named.close();
  });
});
