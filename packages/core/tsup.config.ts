import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/heartbeat/thread.ts'],
  format: ['esm', 'cjs'],
  dts: { entry: 'src/index.ts' },
  clean: true,
  sourcemap: true,
  target: 'node20',
  shims: true,
  // p-retry is ESM-only: bundle it so the CJS build does not require() it.
  noExternal: ['p-retry', 'is-network-error'],
});
