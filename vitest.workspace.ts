/**
 * The test projects. Vitest 4 ignores this file on its own (it removed `test.workspace`);
 * `vitest.config.ts` imports the list, so it stays the one place that names them.
 */
export const projects = [
  'packages/core',
  'packages/storage-contract',
  'packages/sqlite',
  'packages/postgres',
  'packages/redis',
  'packages/http',
  'packages/cli',
  'examples/transcription-pipeline',
  'examples/testing-with-memory',
];
