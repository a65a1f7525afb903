/**
 * Upgrading a database written by older code: each migration applies on top of the one before,
 * and what the older schema held survives.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SchemaVersionError } from '@waitline/core';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../src/generated/sql.js';
import { SQLITE_SCHEMA_VERSION, SqliteStorage } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'waitline-migrations-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A database as version `version` of the code left it, with one queued job. */
function databaseAt(version: number): string {
  const path = join(dir, `v${version}-${Math.random().toString(36).slice(2)}.db`);
  const db = new Database(path);
  for (const m of MIGRATIONS.slice(0, version)) db.exec(m.sql);
  db.pragma(`user_version = ${version}`);
  db.prepare("INSERT INTO queues (name, paused, updated_at) VALUES ('q', 1, 0)").run();
  db.prepare(
    "INSERT INTO jobs (id, queue, name, payload, state, priority, run_at, max_attempts, created_at) VALUES ('old-job', 'q', 'n', '{\"kept\":true}', 'queued', 3, 0, 1, 0)",
  ).run();
  db.close();
  return path;
}

describe('migrations', () => {
  it.each(MIGRATIONS.slice(0, -1).map((m) => m.version))('upgrades a version %i database, keeping its jobs and queues', async (version) => {
    const path = databaseAt(version);
    await expect(SqliteStorage.open({ path, migrate: false })).rejects.toBeInstanceOf(SchemaVersionError);
    const storage = await SqliteStorage.open({ path });
    try {
      expect(await storage.getJob({ queue: 'q', id: 'old-job' })).toMatchObject({ payload: { kept: true }, priority: 3, state: 'queued' });
      expect(await storage.getQueue('q')).toMatchObject({ paused: true });
      const db = new Database(path, { readonly: true });
      expect(db.pragma('user_version', { simple: true })).toBe(SQLITE_SCHEMA_VERSION);
      db.close();
    } finally {
      await storage.close();
    }
  });
});
