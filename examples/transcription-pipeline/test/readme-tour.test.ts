/**
 * The README's "A short tour" runs as written: its TypeScript block is extracted, type-checked
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
const readme = readFileSync(join(exampleDir, '../../README.md'), 'utf8');

/** The first ```ts block after `heading`. */
function block(heading: string): string {
  const from = readme.indexOf(heading);
  if (from < 0) throw new Error(`README has no "${heading}"`);
  const match = /```ts\n([\s\S]*?)```/.exec(readme.slice(from));
  if (!match?.[1]) throw new Error(`no ts block after "${heading}"`);
  return match[1];
}

// The file sits in the example package so that its imports resolve as an app's would.
const tourFile = join(exampleDir, `.readme-tour-${process.pid}.ts`);
const cwd = mkdtempSync(join(tmpdir(), 'wl-tour-'));

afterAll(() => {
  rmSync(tourFile, { force: true });
  rmSync(cwd, { recursive: true, force: true });
});

describe('the README tour', () => {
  it('type-checks and runs as written, printing the status and the result', async () => {
    writeFileSync(tourFile, `${block('## A short tour')}\nexport {};\n`);
    const tsc = join(exampleDir, '../../node_modules/.bin/tsc');
    const flags = [
      '--ignoreConfig',
      '--noEmit',
      '--strict',
      '--module',
      'nodenext',
      '--moduleResolution',
      'nodenext',
      '--target',
      'es2022',
      '--skipLibCheck',
      '--types',
      'node',
    ];
    await exec(tsc, [...flags, tourFile], { cwd: exampleDir });
    const tsx = join(exampleDir, 'node_modules/.bin/tsx');
    const { stdout } = await exec(tsx, [tourFile], { cwd, timeout: 60_000 });
    expect(stdout).toMatch(/state: 'queued',[\s\S]*position: 1,[\s\S]*basis: 'no-workers'/);
    expect(stdout).toContain('5231 words');
  }, 90_000);
});
