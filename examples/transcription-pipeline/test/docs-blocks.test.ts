/**
 * Every TypeScript block of the documentation type-checks against the built packages: the README,
 * docs/, docs/guides/ and each package's README. A block is a module of its own; what fragments
 * take as given (the app's `storage`, its `transcribe` queue...) is declared in
 * `test/docs/context.d.ts`. A block whose info string says `abridged` (a shortened copy of a file
 * that is tested where it lives, such as docs/testing.md's welcome example) is skipped, and
 * counted so that skipping stays the exception. The README tour and the getting-started guide also
 * run, in readme-tour.test.ts.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';

const exec = promisify(execFile);
const exampleDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const root = join(exampleDir, '../..');

interface Block {
  doc: string;
  index: number;
  line: number;
  code: string;
  abridged: boolean;
}

const mdIn = (dir: string) =>
  readdirSync(join(root, dir))
    .filter((f) => f.endsWith('.md'))
    .map((f) => join(dir, f));

function docs(): string[] {
  const packages = readdirSync(join(root, 'packages')).map((p) => join('packages', p, 'README.md'));
  return ['README.md', ...mdIn('docs'), ...mdIn('docs/guides'), ...packages.filter((p) => existsSync(join(root, p)))];
}

function blocksOf(doc: string): Block[] {
  const text = readFileSync(join(root, doc), 'utf8');
  const found: Block[] = [];
  for (const m of text.matchAll(/^```ts([^\n]*)\n([\s\S]*?)^```/gm)) {
    const line = text.slice(0, m.index).split('\n').length + 1;
    found.push({ doc, index: found.length, line, code: m[2] ?? '', abridged: /\babridged\b/.test(m[1] ?? '') });
  }
  return found;
}

const dir = mkdtempSync(join(exampleDir, '.docs-blocks-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('every TypeScript block of the docs type-checks against the packages', async () => {
  const blocks = docs().flatMap(blocksOf);
  const checked = blocks.filter((b) => !b.abridged);
  expect(checked.length).toBeGreaterThanOrEqual(20);
  expect(blocks.length - checked.length).toBeLessThanOrEqual(3);
  const fileOf = new Map<string, Block>();
  for (const b of checked) {
    const name = `${b.doc.replaceAll(/[/.]/g, '_')}_${b.index}.ts`;
    fileOf.set(name, b);
    writeFileSync(join(dir, name), `${b.code}\nexport {};\n`);
  }
  const tsc = join(root, 'node_modules/.bin/tsc');
  const flags = ['--ignoreConfig', '--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--skipLibCheck'];
  const files = [join(exampleDir, 'test/docs/context.d.ts'), ...[...fileOf.keys()].map((f) => join(dir, f))];
  const out = await exec(tsc, [...flags, '--types', 'node', ...files], { cwd: exampleDir }).then(
    () => '',
    (err: { stdout?: string }) => err.stdout ?? String(err),
  );
  // Name each error by the markdown file and line it comes from.
  const errors = out
    .split('\n')
    .filter((l) => l.includes('error TS'))
    .map((l) => {
      const m = /([^/\\]+\.ts)\((\d+),\d+\): (.*)$/.exec(l);
      const b = m ? fileOf.get(m[1] as string) : undefined;
      return b && m ? `${b.doc}:${b.line + Number(m[2]) - 1}: ${m[3]}` : `${relative(root, l)}`;
    });
  expect(errors).toEqual([]);
}, 120_000);
