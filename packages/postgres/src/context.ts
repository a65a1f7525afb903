/**
 * What every operation runs with: the pool, the statements rendered for this schema, and the
 * helpers that run one statement or one transaction.
 * @module
 * @internal
 */
import { createHash } from 'node:crypto';
import pg from 'pg';
import { SQL, type SqlName, type SqlTypes } from './generated/sql.js';

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

/** The parameters of statement `N`, as its header's `@param` lines declare them. @internal */
export type SqlParams<N extends SqlName> = SqlTypes[N]['params'];

/** A row of statement `N`, as its header's `@returns` line declares it (`never`: none). @internal */
export type SqlRow<N extends SqlName> = SqlTypes[N]['row'];

/** The statements of one schema, rendered once, with a prepared-statement name each. @internal */
export class PgContext {
  private readonly texts = new Map<SqlName, { name: string; text: string }>();
  private readonly prefix: string;

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
   * `on` (the pool by default), with the parameters and rows its header declares (the
   * generated `SqlTypes`; the driver is trusted to return what the header says, which the
   * package's tests check against the server's description of each statement). Errors come as
   * the driver throws them: the storage's guard classifies them once, at the seam.
   */
  async rows<N extends SqlName>(name: N, values: SqlParams<N>, on: Queryable = this.pool): Promise<Array<SqlRow<N>>> {
    const { name: statementName, text } = this.statement(name);
    const result = await on.query<SqlRow<N>>({ name: statementName, text, values, types: TYPES });
    return result.rows;
  }

  /** The first row of {@link rows}, or undefined. */
  async row<N extends SqlName>(name: N, values: SqlParams<N>, on?: Queryable): Promise<SqlRow<N> | undefined> {
    return (await this.rows(name, values, on))[0];
  }

  /**
   * Runs `fn` in one transaction on one pooled client (`BEGIN <mode>` ... `COMMIT`, `ROLLBACK` on
   * any error); `mode` is e.g. `'ISOLATION LEVEL REPEATABLE READ READ ONLY'` for a consistent read.
   * A checked-out client has no listener of its own (the pool's leaves it while lent): one is held
   * here, so a backend that dies mid-transaction (a restart, a failover, a terminated backend)
   * fails the call and discards the client instead of an unhandled 'error' ending the process.
   */
  async transaction<T>(mode: string, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    let broken = false;
    const onError = () => {
      broken = true;
    };
    // The listener goes on inside pg-pool's callback, not after `await pool.connect()`: a new
    // connection is handed out while its ReadyForQuery is being parsed, and an error the server
    // sent in the same read (a backend terminated just after its startup) is emitted before an
    // await's continuation runs; with no listener then, the 'error' event ends the process.
    const client = await new Promise<pg.PoolClient>((resolve, reject) => {
      this.pool.connect((err, c) => {
        if (err || !c) return reject(err ?? new Error('pg-pool returned no client'));
        c.on('error', onError);
        resolve(c);
      });
    });
    try {
      await client.query(`BEGIN ${mode}`);
      const value = await fn(client);
      await client.query('COMMIT');
      return value;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {
        broken = true;
      });
      throw err;
    } finally {
      client.off('error', onError);
      client.release(broken);
    }
  }
}
