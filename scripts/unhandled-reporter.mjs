// A vitest reporter that writes the run's unhandled errors (an uncaught exception or an unhandled
// rejection outside any test, a worker that crashed) to a JSON file. Vitest fails the run for
// them, but its `json` reporter has no place for them, so a red CI run counted "0 failed" and
// named nothing. scripts/failed-tests.mjs prints this file beside the failed tests.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** Vitest reporter: `[new URL('./unhandled-reporter.mjs', …), { outputFile }]` in `reporters`. */
export default class UnhandledReporter {
  constructor(options = {}) {
    this.outputFile = options.outputFile ?? '.vitest/unhandled.json';
  }

  onTestRunEnd(_modules, unhandledErrors) {
    const errors = [...(unhandledErrors ?? [])].map((err) => ({
      name: String(err?.name ?? 'Error'),
      message: String(err?.message ?? err),
      stack: String(err?.stack ?? '')
        .split('\n')
        .slice(0, 12)
        .join('\n'),
      // Vitest names where it caught it (the test file and test, when it knows them).
      file: err?.VITEST_TEST_PATH ?? null,
      test: err?.VITEST_TEST_NAME ?? null,
      type: err?.type ?? null,
    }));
    mkdirSync(dirname(this.outputFile), { recursive: true });
    writeFileSync(this.outputFile, `${JSON.stringify({ errors }, null, 2)}\n`);
  }
}
