/**
 * The Postgres harness of the storage contract: every storage gets its own schema in the test
 * database, dropped by `cleanup`.
 *
 * It uses the built package (`dist/`), not the sources: the contract forks plain Node children
 * that reopen a storage from its descriptor, which names a JavaScript module. Build first.
 * @internal
 */
import { randomBytes } from 'node:crypto';
import type { Storage, StorageDescriptor } from '@waitline/core';
import type { HarnessTransaction, StorageHarness } from '@waitline/storage-contract';
import pg from 'pg';
import { POSTGRES_SCHEMA_VERSION, PostgresStorage, type PostgresStorageOptions } from '../dist/index.js';
import { renderSql } from '../src/context.js';
import { MIGRATIONS } from '../src/generated/sql.js';
import { PG_URL, withClient } from './server.js';

/** A fresh schema name for one test database. */
export function freshSchema(tag = 't'): string {
  return `wl_${tag}_${randomBytes(6).toString('hex')}`;
}

function schemaOf(descriptor: StorageDescriptor): string {
  const { schema } = descriptor.options as Partial<PostgresStorageOptions>;
  if (typeof schema !== 'string') throw new Error(`not a Postgres descriptor: ${JSON.stringify(descriptor)}`);
  return schema;
}

/** Drops schemas (and everything in them). */
export async function dropSchemas(schemas: string[]): Promise<void> {
  if (schemas.length === 0) return;
  // Ten schemas per statement (each takes a lock per table, index and function, and the lock
  // table is shared), without waiting for each commit's flush: a contract run leaves hundreds,
  // and one synchronous DROP each took over 30 s on a loaded 2-core machine.
  await withClient(async (c) => {
    await c.query('SET synchronous_commit = off');
    for (let i = 0; i < schemas.length; i += 10) {
      await c.query(
        `DROP SCHEMA IF EXISTS ${schemas
          .slice(i, i + 10)
          .map((s) => `"${s}"`)
          .join(', ')} CASCADE`,
      );
    }
  });
}

/** A harness whose storages each live in a fresh schema of the test database. */
export function createPostgresHarness(): StorageHarness {
  let schemas: string[] = [];
  let opened: Storage[] = [];
  const track = (storage: Storage): Storage => {
    opened.push(storage);
    return storage;
  };
  const newSchema = (): string => {
    const s = freshSchema();
    schemas.push(s);
    return s;
  };

  return {
    name: 'postgres',
    codeSchemaVersion: POSTGRES_SCHEMA_VERSION,
    create: async () => track(await PostgresStorage.open({ connectionString: PG_URL, schema: newSchema() })),
    freshDescriptor: async () => PostgresStorage.descriptor({ connectionString: PG_URL, schema: newSchema() }),
    open: async (descriptor, options) =>
      track(
        await PostgresStorage.fromDescriptor({
          ...(descriptor.options as unknown as PostgresStorageOptions),
          migrate: options?.migrate ?? false,
        }),
      ),
    migratingDescriptor: (descriptor) => ({ ...descriptor, options: { ...descriptor.options, migrate: true } }),
    schemaVersion: (descriptor) =>
      withClient(async (c) => {
        const s = schemaOf(descriptor);
        const present = await c.query('SELECT to_regclass($1) IS NOT NULL AS p', [`"${s}".migrations`]);
        if (!present.rows[0].p) return 0;
        const r = await c.query(`SELECT coalesce(max(version), 0)::integer AS v FROM "${s}".migrations`);
        return r.rows[0].v as number;
      }),
    setSchemaVersion: (descriptor, version) =>
      withClient(async (c) => {
        if (!Number.isInteger(version) || version < 0) throw new Error(`bad schema version ${version}`);
        const s = schemaOf(descriptor);
        await c.query(`DELETE FROM "${s}".migrations WHERE version > $1`, [version]);
        await c.query(`INSERT INTO "${s}".migrations (version, name) SELECT v, 'set-by-test' FROM generate_series(1, $1::integer) v ON CONFLICT DO NOTHING`, [
          version,
        ]);
      }),
    beginTransaction: async (): Promise<HarnessTransaction> => {
      const client = new pg.Client({ connectionString: PG_URL });
      await client.connect();
      await client.query('BEGIN');
      const end = async (sql: string) => {
        try {
          await client.query(sql);
        } finally {
          await client.end();
        }
      };
      return {
        tx: client,
        check: async () => {
          await client.query('SELECT 1');
        },
        commit: () => end('COMMIT'),
        rollback: () => end('ROLLBACK'),
      };
    },
    cleanup: async () => {
      await Promise.allSettled(opened.map((s) => s.close()));
      opened = [];
      const drop = schemas;
      schemas = [];
      await dropSchemas(drop);
    },
  };
}

/**
 * Creates `schema` as the code of schema version `version` left it: the migrations up to it
 * applied and recorded, no stored function (the migrator creates those with the version it
 * applies). What an upgrade test starts from.
 */
export async function createSchemaAt(c: pg.ClientBase, schema: string, version: number): Promise<void> {
  await c.query(`CREATE SCHEMA "${schema}"`);
  await c.query(`CREATE TABLE "${schema}".migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
  for (const m of MIGRATIONS.filter((m) => m.version <= version)) {
    await c.query(renderSql(m.sql, schema));
    await c.query(`INSERT INTO "${schema}".migrations (version, name) VALUES ($1, $2)`, [m.version, m.name]);
  }
}
