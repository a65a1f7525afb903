/**
 * What every operation module receives: the connection and its cache of prepared statements,
 * typed by the statements' headers (`@param`, `@returns`; see src/generated/sql.ts).
 * @module
 * @internal
 */
import type Database from 'better-sqlite3';
import { SQL, type SqlName, type SqlTypes } from './generated/sql.js';
import { JOB_COLUMNS, type JobRow } from './rows.js';

/** A better-sqlite3 connection. @internal */
export type Db = Database.Database;

/** A prepared statement, untyped. @internal */
export type Stmt = Database.Statement;

/**
 * The arguments of a statement's `run`/`get`/`all`/`iterate`: its named parameters as one object,
 * or nothing for a statement without parameters.
 * @internal
 */
export type Args<N extends SqlName> = SqlTypes[N]['params'] extends unknown[] ? SqlTypes[N]['params'] : [params: SqlTypes[N]['params']];

/** The row a statement returns, as its header's `@returns` declares it (`never`: run for its effect). @internal */
export type RowOf<N extends SqlName> = SqlTypes[N]['row'];

/**
 * The statements whose rows are whole `jobs` rows (`@returns JobRow`: `SELECT *`, `RETURNING *`),
 * read in raw mode through {@link SqliteContext.jobs} only.
 * @internal
 */
export type JobsName = { [N in SqlName]: [RowOf<N>] extends [never] ? never : RowOf<N> extends JobRow ? N : never }[SqlName];

/** Every other statement, read as objects through {@link SqliteContext.stmt}. @internal */
export type RowsName = Exclude<SqlName, JobsName>;

/**
 * A prepared statement typed by its header: the parameters of its `@param` lines, the row of its
 * `@returns` line. Only the calls that keep the row's shape are exposed (no `raw`, `pluck`,
 * `expand`), so the declared row is what a call returns.
 * @internal
 */
export interface Query<A extends unknown[], R> {
  /** Runs the statement for its effect: `changes` and `lastInsertRowid`. */
  run(...params: A): Database.RunResult;
  /** The first row, or undefined when there is none. */
  get(...params: A): R | undefined;
  /** Every row. */
  all(...params: A): R[];
  /** The rows one at a time. */
  iterate(...params: A): IterableIterator<R>;
}

/**
 * The connection plus its statements, each prepared once on first use and reused for the life of
 * the connection, so a hot path (one add, one claim) never re-parses SQL.
 * @internal
 */
export class SqliteContext {
  private readonly statements = new Map<SqlName, Stmt>();
  private readonly jobStatements = new Map<SqlName, Stmt>();

  constructor(
    readonly db: Db,
    /** The database path as given to `open` (resolved), for error messages. */
    readonly path: string,
  ) {}

  /** The prepared statement of `sql/queries/<name>.sql`, typed by its header. */
  stmt<N extends RowsName>(name: N): Query<Args<N>, RowOf<N>> {
    let statement = this.statements.get(name);
    if (statement === undefined) {
      statement = this.db.prepare(SQL[name]);
      this.statements.set(name, statement);
    }
    // The one place the header's types meet the driver's untyped statement (test/typed-sql.test.ts
    // checks the declared columns against the prepared statements).
    return statement as Query<Args<N>, RowOf<N>>;
  }

  /**
   * The one row of a statement that always returns exactly one: an aggregate without GROUP BY
   * (a count), or an upsert's RETURNING. Throws when it returns none, which would be a bug in the
   * statement.
   */
  one<N extends RowsName>(name: N, ...params: Args<N>): RowOf<N> {
    const row = this.stmt(name).get(...params);
    if (row === undefined) throw new Error(`sql/queries/${name} returned no row`);
    return row;
  }

  /**
   * The prepared statement of `sql/queries/<name>.sql` for a statement that returns whole `jobs`
   * rows (`SELECT *`, `RETURNING *`), in raw mode: each row is a `JobRow` array in
   * {@link JOB_COLUMNS} order, for `toJobRecord`. Throws when the statement's columns are not
   * exactly those, so a schema change cannot shift the fields silently.
   */
  jobs<N extends JobsName>(name: N): Query<Args<N>, JobRow> {
    let statement = this.jobStatements.get(name);
    if (statement === undefined) {
      statement = this.db.prepare(SQL[name]).raw(true);
      const columns = statement.columns().map((c) => c.name);
      if (columns.join(',') !== JOB_COLUMNS.join(',')) {
        throw new Error(`sql/queries/${name} does not return the jobs columns in table order: ${columns.join(', ')}`);
      }
      this.jobStatements.set(name, statement);
    }
    return statement as Query<Args<N>, JobRow>;
  }
}
