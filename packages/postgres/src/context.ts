/**
 * What every operation runs with: the pool, the statements rendered for this schema, and the
 * helpers that run one statement or one transaction.
 * @module
 * @internal
 */
import { createHash } from 'node:crypto';
import pg from 'pg';
import { SQL, type SqlName } from './generated/sql.js';
import { toStorageError } from './errors.js';

/** Something that runs queries: the pool, a pooled client, or a caller's transaction client. @internal */
export type Queryable = pg.Pool | pg.PoolClient | pg.ClientBase;

/** `int8` (bigint) as a JS number: every bigint here is a time in ms, a seq or a count. */
const INT8_OID = 20;
const TYPES = {
  getTypeParser(oid: number, format?: string) {
    if (oid === INT8_OID) return (text: string) => Number(text);
    return pg.types.getTypeParser(oid, format as 'text');
  },
} as pg.CustomTypesConfig;

/** The quoted NOTIFY channel of a schema, as a SQL string literal. */
export function channelOf(schema: string): string {
  return `waitline:${schema}`;
}

/** Replaces the `{{schema}}` and `{{channel}}` placeholders of an embedded statement. @internal */
export function renderSql(sql: string, schema: string): string {
  return sql.replaceAll('{{schema}}', `"${schema}"`).replaceAll('{{channel}}', `'${channelOf(schema)}'`);
}

/** The statements of one schema, rendered once, with a prepared-statement name each. @internal */
export class PgContext {
  private readonly texts = new Map<SqlName, { name: string; text: string }>();
  private readonly prefix: string;
  closed = false;

  constructor(
    readonly pool: pg.Pool,
    readonly schema: string,
    /** How settles commit (see `PostgresStorageOptions.settleCommit`). */
    readonly settleCommit: 'sync' | 'async' = 'sync',
  ) {
    this.prefix = `wl_${createHash('sha1').update(schema).digest('hex').slice(0, 10)}_`;
  }

  private statement(name: SqlName): { name: string; text: string } {
    let s = this.texts.get(name);
    if (s === undefined) {
      s = { name: this.prefix + name, text: renderSql(SQL[name], this.schema) };
      this.texts.set(name, s);
    }
    return s;
  }

  /**
   * Runs one embedded statement as a named prepared statement (parsed once per connection) on
   * `on` (the pool by default); transient failures become `StorageUnavailableError`.
   */
  async rows<R>(name: SqlName, values: unknown[], on: Queryable = this.pool): Promise<R[]> {
    const { name: statementName, text } = this.statement(name);
    try {
      const result = await on.query({ name: statementName, text, values, types: TYPES });
      return result.rows as R[];
    } catch (err) {
      throw toStorageError(err, this.schema);
    }
  }

  /** The first row of {@link rows}, or undefined. */
  async row<R>(name: SqlName, values: unknown[], on?: Queryable): Promise<R | undefined> {
    return (await this.rows<R>(name, values, on))[0];
  }

  /**
   * Runs `fn` in one transaction on one pooled client (`BEGIN <mode>` ... `COMMIT`, `ROLLBACK` on
   * any error); `mode` is e.g. `'ISOLATION LEVEL REPEATABLE READ READ ONLY'` for a consistent read.
   */
  async transaction<T>(mode: string, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (err) {
      throw toStorageError(err, this.schema);
    }
    let broken = false;
    try {
      await client.query(`BEGIN ${mode}`);
      const value = await fn(client);
      await client.query('COMMIT');
      return value;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {
        broken = true;
      });
      throw toStorageError(err, this.schema);
    } finally {
      client.release(broken);
    }
  }
}
