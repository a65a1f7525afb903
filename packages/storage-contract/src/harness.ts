import type { Storage, StorageDescriptor } from '@waitline/core/storage';

/**
 * What an adapter's test file gives the contract suite. Every database the harness hands out is
 * isolated from every other (a temp file, a schema, a key prefix) and removed by `cleanup`.
 */
export interface StorageHarness {
  /** Shown in test names, e.g. `'sqlite'`. */
  name: string;
  /** A fresh, empty, migrated storage. */
  create(): Promise<Storage>;
  /** The descriptor of a fresh, empty database that has not been migrated. */
  freshDescriptor(): Promise<StorageDescriptor>;
  /**
   * Opens another handle on the database a descriptor names, as another process would.
   * With `migrate: true` it migrates first; otherwise it refuses an unmigrated or newer schema.
   */
  open(descriptor: StorageDescriptor, options?: { migrate?: boolean }): Promise<Storage>;
  /**
   * A descriptor of the same database whose `fromDescriptor` migrates on open, for the test where
   * child processes race to migrate a fresh database: a child can only reopen a storage through
   * `fromDescriptor`, and a storage's own descriptor may refuse an unmigrated schema (SQLite's
   * carries `migrate: false`). Only the adapter knows which option says "migrate"; when absent,
   * the children use the descriptor as it is and call `migrate()` after opening.
   */
  migratingDescriptor?(descriptor: StorageDescriptor): StorageDescriptor;
  /** The schema version the database holds (0 when never migrated). */
  schemaVersion(descriptor: StorageDescriptor): Promise<number>;
  /** Overwrites the stored schema version, to stand for a database written by newer code. */
  setSchemaVersion(descriptor: StorageDescriptor, version: number): Promise<void>;
  /** The schema version this adapter's code writes. */
  codeSchemaVersion: number;
  /** Removes every database this harness created. */
  cleanup(): Promise<void>;
  /**
   * Begins one of the caller's own transactions on the database `storage` uses, for storages
   * with `capabilities.transactionalEnqueue`: `tx` is what `queue.add(payload, { tx })` takes.
   * `run` executes a trivial write-free statement in it (proving it is still usable). Required
   * when the capability is true.
   */
  beginTransaction?(storage: Storage): Promise<HarnessTransaction>;
}

/** A caller's transaction as the contract drives it. */
export interface HarnessTransaction {
  tx: unknown;
  /** Runs a statement in the transaction; rejects when the transaction is broken. */
  check(): Promise<void>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
}
