/**
 * What every operation module receives: the connection and its cache of prepared statements.
 * @module
 * @internal
 */
import type Database from 'better-sqlite3';
import { SQL, type SqlName } from './generated/sql.js';

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
}
