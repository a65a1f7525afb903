/**
 * The README tour and the getting-started guide run as written: each TypeScript block is extracted, type-checked
 * against the built packages, and run with tsx against a fresh SQLite file, so the tour cannot
 * drift from the API again.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const exec = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
const exampleDir = join(here, '..');
/** The first ```ts block after `heading` in the markdown file `doc` (from the repository root). */
function block(doc: string, heading: string): string {
  const text = readFileSync(join(exampleDir, '../..', doc), 'utf8');
  const from = text.indexOf(heading);
  if (from < 0) throw new Error(`${doc} has no "${heading}"`);
  const match = /```ts\n([\s\S]*?)```/.exec(text.slice(from));
  if (!match?.[1]) throw new Error(`no ts block after "${heading}" in ${doc}`);
  return match[1];
}

// The file sits in the example package so that its imports resolve as an app's would.
const tourFile = join(exampleDir, `.readme-tour-${process.pid}.ts`);
const cwd = mkdtempSync(join(tmpdir(), 'wl-tour-'));

afterAll(() => {
  rmSync(tourFile, { force: true });
  rmSync(cwd, { recursive: true, force: true });
});

const TSC_FLAGS = ['--ignoreConfig', '--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext'];
const TSC_MORE = ['--target', 'es2022', '--skipLibCheck', '--types', 'node'];

/** Writes the block as a module, type-checks it strictly against the built packages, runs it with tsx; its stdout. */
async function typeCheckAndRun(code: string): Promise<string> {
  writeFileSync(tourFile, `${code}\nexport {};\n`);
  await exec(join(exampleDir, '../../node_modules/.bin/tsc'), [...TSC_FLAGS, ...TSC_MORE, tourFile], { cwd: exampleDir });
  const { stdout } = await exec(join(exampleDir, 'node_modules/.bin/tsx'), [tourFile], { cwd, timeout: 60_000 });
  return stdout;
}

describe('the documentation runs as written', () => {
  it("README's tour: prints the first status and the result", async () => {
    const stdout = await typeCheckAndRun(block('README.md', '## A short tour'));
    expect(stdout).toMatch(/state: 'queued',[\s\S]*position: 1,[\s\S]*basis: 'no-workers'/);
    expect(stdout).toContain('5231 words');
  }, 90_000);

  it("the getting-started guide's first queue: prints the status and the result", async () => {
    const stdout = await typeCheckAndRun(block('docs/guides/getting-started.md', '## A first queue'));
    expect(stdout).toMatch(/state: 'queued'/);
    expect(stdout).toContain('{ words: 1200 }');
  }, 90_000);
});
