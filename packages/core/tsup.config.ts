import { defineConfig } from 'tsup';

export default defineConfig([
  {
    // `storage` is the seam for storage authors, published as `@waitline/core/storage`.
    entry: { index: 'src/index.ts', storage: 'src/storage.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    clean: true,
    sourcemap: true,
    target: 'node20',
    // import.meta.url in the CJS build, to find the heartbeat thread next to the bundle.
    shims: true,
    // p-retry is ESM-only: bundle it so the CJS build does not require() it.
    noExternal: ['p-retry', 'is-network-error'],
  },
  {
    // The heartbeat thread is always ESM (the package is "type": "module"); both builds spawn it.
    entry: { 'heartbeat/thread': 'src/heartbeat/thread.ts' },
    format: ['esm'],
    dts: false,
    clean: false,
    sourcemap: true,
    target: 'node20',
  },
]);
