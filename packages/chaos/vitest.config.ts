import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The chaos suite runs alone (`pnpm test:chaos`), not with `pnpm test`: it starts and kills its
// own servers and worker processes. One file at a time, so the timings it reports are not
// stretched by another file's load on a two-core machine. Under CI it writes a JSON report
// beside `pnpm test`'s, which .ci/run adds to its pass/fail count.
const report = fileURLToPath(new URL('../../.vitest/chaos-results.json', import.meta.url));
const unhandled = fileURLToPath(new URL('../../.vitest/chaos-unhandled.json', import.meta.url));
const unhandledReporter = fileURLToPath(new URL('../../scripts/unhandled-reporter.mjs', import.meta.url));

export default defineConfig({
  test: {
    name: 'chaos',
    include: ['test/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 120_000,
    reporters: process.env.CI ? ['default', ['json', { outputFile: report }], [unhandledReporter, { outputFile: unhandled }]] : ['default'],
  },
});
