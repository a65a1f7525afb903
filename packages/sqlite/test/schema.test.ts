/**
 * The SQLite schema and its embedded SQL: the schema a fresh database gets matches the committed
 * snapshot, `src/generated/sql.ts` is what `scripts/embed-assets.mjs` makes of `sql/`, and every
 * statement and migration states its parameters, returns and guarantees.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { MIGRATIONS, SQL } from '../src/generated/sql.js';
import { SQLITE_SCHEMA_VERSION, SqliteStorage } from '../src/index.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'waitline-sqlite-schema-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A storage on a fresh file, migrated; the caller closes it. */
function open(): Promise<SqliteStorage> {
  return SqliteStorage.open({ path: join(dir, 'schema.sqlite') });
}

describe('schema and embedded SQL', () => {
  it('matches the committed schema snapshot', async () => {
    const storage = await open();
    const db = new Database(storage.describe().options.path as string, { readonly: true });
    await storage.close();
    const rows = db
      .prepare("SELECT type, name, sql FROM sqlite_schema WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY type DESC, name")
      .all() as Array<{ type: string; name: string; sql: string }>;
    db.close();
    const text = `-- PRAGMA user_version = ${SQLITE_SCHEMA_VERSION}\n\n${rows.map((r) => `${r.sql};\n`).join('\n')}`;
    await expect(text).toMatchFileSnapshot('./__snapshots__/schema.sql');
  });

  it('src/generated/sql.ts is exactly what scripts/embed-assets.mjs makes of sql/', () => {
    expect(() => execFileSync(process.execPath, ['../../scripts/embed-assets.mjs', '--check'], { cwd: packageDir, stdio: 'pipe' })).not.toThrow();
    const queries = readdirSync(join(packageDir, 'sql', 'queries'));
    expect(Object.keys(SQL)).toHaveLength(queries.length);
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    expect(SQLITE_SCHEMA_VERSION).toBe(MIGRATIONS.length);
  });

  it('every SQL file opens with a header stating parameters, returns and guarantees', () => {
    for (const file of readdirSync(join(packageDir, 'sql', 'queries'))) {
      const header = readFileSync(join(packageDir, 'sql', 'queries', file), 'utf8').split(/\n(?!--)/)[0] ?? '';
      // Parameters are declared by @param tags (their prose only adds what the tags cannot say).
      expect(header, file).toMatch(/@param |Parameters: none/);
      for (const part of ['Returns:', 'Guarantees:']) expect(header, file).toContain(part);
    }
    for (const m of MIGRATIONS) expect(m.sql.split(/\n(?!--)/)[0], m.name).toContain('Guarantees:');
  });
});
