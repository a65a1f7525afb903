/**
 * The statement headers' types against the statements themselves, where a machine can tell: the
 * @param tags are checked against the placeholders by scripts/embed-assets.mjs at every build;
 * here, every inline `@returns { a: ...; b: ... }` must name exactly the columns the prepared
 * statement returns, in order, and every `@returns JobRow` statement must return the jobs
 * columns (what `SqliteContext.jobs` checks when it prepares one). Rows declared with a named
 * type from src/ (`@use QueueRow from rows`, ...) are not compared here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { type JobsName, SqliteContext } from '../src/context.js';
import { SQL, type SqlName } from '../src/generated/sql.js';
import { migrateDatabase } from '../src/migrate.js';

const queriesDir = fileURLToPath(new URL('../sql/queries', import.meta.url));
const db = new Database(':memory:');
migrateDatabase(db, ':memory:');
afterAll(() => db.close());

/** A query file's statement name: sql/queries/some-name.sql is SQL.someName. */
function keyOf(file: string): SqlName {
  const key = file.slice(0, -'.sql'.length).replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
  if (!(key in SQL)) throw new Error(`${file}: no embedded statement ${key}`);
  return key as SqlName;
}

/** The @returns type of a header (continuation lines joined), or null when it declares none. */
function returnsOf(text: string): string | null {
  const header = text.split(/\n(?!--)/)[0] ?? '';
  const match = /^-- @returns (.*(?:\n--\s{3,}(?!@).*)*)/m.exec(header);
  return match?.[1] === undefined ? null : match[1].replace(/\n--\s+/g, ' ').trim();
}

/** The keys of an inline object type `{ a: T; b: U }`, or null for any other type. */
function keysOf(type: string): string[] | null {
  const body = /^\{(.*)\}$/.exec(type)?.[1];
  if (body === undefined) return null;
  return body
    .split(';')
    .map((field) => field.trim())
    .filter((field) => field !== '')
    .map((field) => field.slice(0, field.indexOf(':')).trim());
}

const declared = readdirSync(queriesDir)
  .filter((file) => file.endsWith('.sql'))
  .map((file) => ({ file, name: keyOf(file), returns: returnsOf(readFileSync(join(queriesDir, file), 'utf8')) }));

describe('statement headers declare what the statements return', () => {
  const inline = declared.flatMap((d) => {
    const keys = d.returns === null ? null : keysOf(d.returns);
    return keys === null ? [] : [{ ...d, keys }];
  });

  it('finds the inline row types (the regex reads the headers)', () => {
    expect(inline.length).toBeGreaterThan(30);
  });

  it.each(inline)('$file returns exactly the columns its @returns names', ({ name, keys }) => {
    expect(
      db
        .prepare(SQL[name])
        .columns()
        .map((c) => c.name),
    ).toEqual(keys);
  });

  it.each(declared.filter((d) => d.returns === 'JobRow'))('$file (@returns JobRow) returns the jobs columns in table order', ({ name }) => {
    const ctx = new SqliteContext(db, ':memory:');
    expect(() => ctx.jobs(name as JobsName)).not.toThrow();
  });

  it.each(declared.filter((d) => d.returns === null))('$file (no @returns) returns no columns', ({ name }) => {
    expect(db.prepare(SQL[name]).reader).toBe(false);
  });
});
