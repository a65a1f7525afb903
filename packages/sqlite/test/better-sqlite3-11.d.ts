/** better-sqlite3 11 under its test alias: the same API as the typed v12 for what the tests use. */
declare module 'better-sqlite3-11' {
  import Database from 'better-sqlite3';
  export default Database;
}
