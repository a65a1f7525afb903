/**
 * What every operation module receives: the connection and its cache of prepared statements.
 * @module
 * @internal
 */
import type Database from 'better-sqlite3';
import { SQL, type SqlName } from './generated/sql.js';
import { JOB_COLUMNS } from './rows.js';

/** A better-sqlite3 connection. @internal */
export type Db = Database.Database;

/** A prepared statement. @internal */
export type Stmt = Database.Statement;

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

  /** The prepared statement of `sql/queries/<name>.sql`. */
  stmt(name: SqlName): Stmt {
    let statement = this.statements.get(name);
    if (statement === undefined) {
      statement = this.db.prepare(SQL[name]);
      this.statements.set(name, statement);
    }
    return statement;
  }

  /**
   * The prepared statement of `sql/queries/<name>.sql` for a statement that returns whole `jobs`
   * rows (`SELECT *`, `RETURNING *`), in raw mode: each row is a `JobRow` array in
   * {@link JOB_COLUMNS} order, for `toJobRecord`. Throws when the statement's columns are not
   * exactly those, so a schema change cannot shift the fields silently.
   */
  jobs(name: SqlName): Stmt {
    let statement = this.jobStatements.get(name);
    if (statement === undefined) {
      statement = this.db.prepare(SQL[name]).raw(true);
      const columns = statement.columns().map((c) => c.name);
      if (columns.join(',') !== JOB_COLUMNS.join(',')) {
        throw new Error(`sql/queries/${name} does not return the jobs columns in table order: ${columns.join(', ')}`);
      }
      this.jobStatements.set(name, statement);
    }
    return statement;
  }
}
