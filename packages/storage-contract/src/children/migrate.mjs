/**
 * Migrates the database a descriptor names, racing other processes doing the same.
 * Reopening through `fromDescriptor` may itself migrate (an embedded storage's default); the
 * explicit `migrate()` after it must then be a no-op.
 * Input: { descriptor }. Report: { migrated: true }.
 * @internal
 */
import { openFromDescriptor, runChild } from './common.mjs';

await runChild({
  setup: async (input) => {
    // Load the module before the go signal so the race is between migrations, not imports.
    await import(input.descriptor.moduleUrl);
    return { input, storage: null };
  },
  close: ({ storage }) => storage?.close(),
  run: async (context) => {
    context.storage = await openFromDescriptor(context.input.descriptor);
    await context.storage.migrate();
    return { migrated: true };
  },
});
