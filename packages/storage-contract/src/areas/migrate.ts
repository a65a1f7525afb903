/**
 * Migrations: migrating is idempotent and safe from two processes at once; opening refuses a
 * database newer than the code, and an unmigrated one unless asked to migrate.
 * @internal
 */
import { SchemaVersionError, type Storage } from '@waitline/core';
import { describe, expect, it } from 'vitest';
import { runChildren } from '../children/fork.js';
import { requireCapability } from '../capabilities.js';
import { add, addQueue, expectError, reread, T0 } from '../fixtures.js';
import type { StorageHarness } from '../harness.js';

async function closing<T>(storage: Storage, use: (s: Storage) => Promise<T>): Promise<T> {
  try {
    return await use(storage);
  } finally {
    await storage.close();
  }
}

/** Registers the migration area: idempotence, version checks, racing migrators. */
export function describeMigrate(harness: StorageHarness): void {
  describe('migrate', () => {
    requireCapability(harness, 'reopenable');
    it('migrating again changes nothing: same version, data kept', async () => {
      const s = await harness.create();
      await closing(s, async () => {
        await addQueue(s, { concurrency: 2 });
        const job = await add(s);
        await s.migrate();
        await s.migrate();
        expect(await harness.schemaVersion(s.describe())).toBe(harness.codeSchemaVersion);
        expect(await reread(s, job)).toEqual(job);
        await closing(await harness.open(s.describe(), { migrate: true }), async (second) => {
          expect(await reread(second, job)).toEqual(job);
          expect((await second.getQueue('q'))?.concurrency).toBe(2);
        });
        expect(await harness.schemaVersion(s.describe())).toBe(harness.codeSchemaVersion);
      });
    });

    it('a fresh database is at version 0 until migrated, then at the code version', async () => {
      expect(harness.codeSchemaVersion).toBeGreaterThan(0);
      const descriptor = await harness.freshDescriptor();
      expect(await harness.schemaVersion(descriptor)).toBe(0);
      await closing(await harness.open(descriptor, { migrate: true }), async (s) => {
        expect(await harness.schemaVersion(descriptor)).toBe(harness.codeSchemaVersion);
        await addQueue(s);
        await add(s);
      });
    });

    it('refuses an unmigrated database opened without migrate, and writes nothing', async () => {
      const descriptor = await harness.freshDescriptor();
      const err = await expectError(harness.open(descriptor), SchemaVersionError, 'SCHEMA_VERSION');
      expect(err.found).toBe(0);
      expect(err.expected).toBe(harness.codeSchemaVersion);
      expect(await harness.schemaVersion(descriptor)).toBe(0);
    });

    it('refuses a database newer than the code, with or without migrate', async () => {
      const descriptor = await harness.freshDescriptor();
      await (await harness.open(descriptor, { migrate: true })).close();
      const newer = harness.codeSchemaVersion + 1;
      await harness.setSchemaVersion(descriptor, newer);
      for (const options of [undefined, { migrate: false }, { migrate: true }]) {
        const err = await expectError(harness.open(descriptor, options), SchemaVersionError, 'SCHEMA_VERSION');
        expect(err.found).toBe(newer);
        expect(err.expected).toBe(harness.codeSchemaVersion);
      }
      expect(await harness.schemaVersion(descriptor)).toBe(newer);
    });

    it('two processes migrating one fresh database at once both succeed', async () => {
      const descriptor = await harness.freshDescriptor();
      const migrating = harness.migratingDescriptor?.(descriptor) ?? descriptor;
      const input = { descriptor: migrating };
      const reports = await runChildren<{ migrated: boolean }>('migrate.mjs', [input, input], 25_000);
      expect(reports).toEqual([{ migrated: true }, { migrated: true }]);
      expect(await harness.schemaVersion(descriptor)).toBe(harness.codeSchemaVersion);
      await closing(await harness.open(descriptor), async (s) => {
        await addQueue(s);
        const job = await add(s, {}, { now: T0 });
        expect((await reread(s, job)).state).toBe('queued');
      });
    }, 30_000);
  });
}
