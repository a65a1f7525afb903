import { defineConfig } from 'tsup';

export default defineConfig([
  {
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    // Everything in dist but the dashboard's assets, which the second build (running alongside) writes.
    clean: ['!assets/**'],
    sourcemap: true,
    target: 'node20',
    // import.meta.url in the CJS build, to find the dashboard's assets next to the bundle.
    shims: true,
  },
  {
    // The dashboard and the per-job status page: browser bundles with preact, htm and uPlot inside,
    // built here so that nothing is built at run time. src/assets.ts serves them by these names.
    // Each entry imports its style sheet, which esbuild writes next to it (dashboard.css, status.css).
    entry: { dashboard: 'dashboard/dashboard.ts', status: 'dashboard/status.ts' },
    outDir: 'dist/assets',
    format: ['esm'],
    platform: 'browser',
    target: 'es2020',
    noExternal: [/.*/],
    splitting: false,
    minify: true,
    sourcemap: false,
    dts: false,
    clean: true,
    shims: false,
  },
]);
