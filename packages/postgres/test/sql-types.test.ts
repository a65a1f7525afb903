/**
 * The type tags of sql/queries against the server: every statement is parsed and described on a
 * migrated schema (Parse and Describe, never executed), and its `@returns` columns (names, in
 * order) and the types of its `@param`s and columns are compared with what Postgres reports.
 * Nullability is not checked: a row description does not carry it. A `@returns` naming a type
 * this cannot read (EnqueueRow, a union alias; ScheduleRow, from core) has its columns' names
 * unchecked.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresStorage } from '../dist/index.js';
import { renderSql } from '../src/context.js';
import { dropSchemas, freshSchema } from './harness.js';
import { PG_URL, RUN_PG_TESTS } from './server.js';
import { type Field, kindOf, readRowInterfaces, readStatements, shapesOf } from './sql-tags.js';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');

/** What the server says of a statement: its parameters' type OIDs and its columns. */
interface Description {
  params: number[];
  columns: Array<{ name: string; oid: number }>;
}

/** The part of node-postgres's connection a describe-only query drives (extended protocol messages). */
interface WireConnection {
  once(event: 'parameterDescription', listener: (m: { dataTypeIDs: number[] }) => void): void;
  parse(query: { text: string; types: number[] }): void;
  describe(message: { type: 'S'; name: string }): void;
  sync(): void;
}

/**
 * Parses and describes `text` on `client` without running it (node-postgres's Submittable: the
 * client routes the replies here; the parameter description is read off the connection).
 */
function describeStatement(client: pg.Client, text: string): Promise<Description> {
  return new Promise((resolve, reject) => {
    const out: Description = { params: [], columns: [] };
    let failure: unknown = null;
    const query = {
      submit(connection: WireConnection) {
        connection.once('parameterDescription', (m) => {
          out.params = m.dataTypeIDs;
        });
        connection.parse({ text, types: [] });
        connection.describe({ type: 'S', name: '' });
        connection.sync();
      },
      handleRowDescription(m: { fields: Array<{ name: string; dataTypeID: number }> }) {
        out.columns = m.fields.map((f) => ({ name: f.name, oid: f.dataTypeID }));
      },
      handleError(err: unknown) {
        failure = err;
      },
      handleReadyForQuery() {
        if (failure === null) resolve(out);
        else reject(failure);
      },
      handleCommandComplete() {},
      handleDataRow() {},
      handleEmptyQuery() {},
      handlePortalSuspended() {},
    };
    client.query(query as unknown as pg.QueryConfig);
  });
}

/** The Postgres types (by name) a kind of TypeScript type may stand for, as a column the driver parsed. */
const COLUMN_TYPES: Record<string, string[]> = {
  // Not numeric: node-postgres returns it as a string (only int8 is parsed to a number here).
  number: ['int2', 'int4', 'int8', 'float4', 'float8'],
  boolean: ['bool'],
  // void: pg_notify()'s result, which the driver returns as ''.
  string: ['text', 'varchar', 'void'],
  // int8 array elements come as decimal strings (only a scalar int8 is parsed as a number here).
  'string[]': ['_text', '_int8'],
  json: ['json', 'jsonb'],
};

/** The Postgres types a kind of TypeScript type may be sent as (JSON and xid8 travel as text). */
const PARAM_TYPES: Record<string, string[]> = {
  number: ['int2', 'int4', 'int8', 'float4', 'float8', 'numeric'],
  boolean: ['bool'],
  string: ['text', 'varchar', 'json', 'jsonb', 'xid8'],
  'string[]': ['_text'],
  'number[]': ['_int2', '_int4', '_int8'],
};

describe.runIf(RUN_PG_TESTS)('@waitline/postgres statement types', () => {
  const schema = freshSchema('types');
  const statements = readStatements(packageDir);
  const interfaces = readRowInterfaces(packageDir);
  const client = new pg.Client({ connectionString: PG_URL });
  const described = new Map<string, Description>();
  let typeNames = new Map<number, string>();

  beforeAll(async () => {
    await (await PostgresStorage.open({ connectionString: PG_URL, schema })).close();
    await client.connect();
    const types = await client.query<{ oid: number; typname: string }>('SELECT oid::integer AS oid, typname FROM pg_type');
    typeNames = new Map(types.rows.map((r) => [r.oid, r.typname]));
    for (const s of statements) described.set(s.file, await describeStatement(client, renderSql(s.text, schema)));
  });

  afterAll(async () => {
    await client.end();
    await dropSchemas([schema]);
  });

  const typeName = (oid: number) => typeNames.get(oid) ?? String(oid);

  it('each @param has a type the server takes for its placeholder', () => {
    for (const s of statements) {
      const d = described.get(s.file) as Description;
      expect(d.params.length, `${s.file}: placeholders`).toBe(s.params.length);
      s.params.forEach(([name, type], i) => {
        const allowed = PARAM_TYPES[kindOf(type)] ?? [];
        expect(allowed, `${s.file}: @param ${name}: ${type} is $${i + 1} ${typeName(d.params[i] ?? 0)}`).toContain(typeName(d.params[i] ?? 0));
      });
    }
  });

  it('each @returns names the columns in order, or is absent for a statement without any', () => {
    const unread: string[] = [];
    for (const s of statements) {
      const columns = (described.get(s.file) as Description).columns.map((c) => c.name);
      if (s.returns === null) {
        expect(columns, `${s.file} returns columns but has no @returns`).toEqual([]);
        continue;
      }
      const shapes = shapesOf(s.returns, interfaces);
      if (shapes === null) unread.push(s.file);
      for (const shape of shapes ?? [])
        expect(
          shape.map(([name]) => name),
          `${s.file}: @returns ${s.returns}`,
        ).toEqual(columns);
    }
    expect(unread).toEqual(['due-schedules.sql', 'enqueue.sql', 'list-schedules.sql', 'upsert-schedule.sql']);
  });

  it("each column's declared type is one the server's column type gives through the driver", () => {
    for (const s of statements) {
      const shapes = s.returns === null ? null : shapesOf(s.returns, interfaces);
      if (shapes === null) continue;
      const columns = (described.get(s.file) as Description).columns;
      for (const shape of shapes) {
        shape.forEach(([name, type]: Field, i) => {
          const actual = typeName(columns[i]?.oid ?? 0);
          expect(COLUMN_TYPES[kindOf(type)] ?? [], `${s.file}: ${name}: ${type} is ${actual}`).toContain(actual);
        });
      }
    }
  });
});
