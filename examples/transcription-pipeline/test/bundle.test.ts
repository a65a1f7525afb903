/**
 * An app bundled into one file with esbuild (core and the SQLite adapter inlined, only the native
 * driver left external) runs its jobs: the heartbeat thread's script is not beside the bundle, so
 * the worker renews from the main thread and says so once, as a typed `HEARTBEAT_FALLBACK` error
 * through its logger, instead of hanging. Both ESM and CommonJS bundles.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const exec = promisify(execFile);
const exampleDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = mkdtempSync(join(tmpdir(), 'wl-bundle-'));
// The entry sits in the example package so its imports resolve as an app's would.
const entry = join(exampleDir, `.bundle-entry-${process.pid}.ts`);
// The native driver stays outside the bundle, installed beside it as an app's would be.
const driver = dirname(createRequire(join(exampleDir, '../../packages/sqlite/package.json')).resolve('better-sqlite3/package.json'));
mkdirSync(join(out, 'node_modules'));
symlinkSync(driver, join(out, 'node_modules', 'better-sqlite3'), 'dir');

const APP = `
import { Queue, Worker } from '@waitline/core';
import { SqliteStorage } from '@waitline/sqlite';

async function main(): Promise<void> {
  const storage = await SqliteStorage.open({ path: process.argv[2]! });
  const queue = new Queue<{ n: number }, number>(storage, 'bundled');
  const worker = new Worker(queue, async (job) => job.payload.n * 2, {
    logger: { warn: (message, error) => console.error(\`warn \${(error as { code?: string } | undefined)?.code ?? ''} \${message}\`) },
  });
  const job = await queue.add({ n: 21 });
  console.log(\`result \${await job.finished({ timeoutMs: 20_000 })}\`);
  await worker.close();
  await storage.close();
}
main().catch((error) => {
  console.error(error);
  process.exit(1);
});
`;

afterAll(() => {
  rmSync(entry, { force: true });
  rmSync(out, { recursive: true, force: true });
});

describe('a bundled app', () => {
  for (const format of ['esm', 'cjs'] as const) {
    it(`runs its jobs from a ${format} bundle, renewing leases from the main thread with one warning`, async () => {
      writeFileSync(entry, APP);
      const bundle = join(out, `app.${format === 'esm' ? 'mjs' : 'cjs'}`);
      const esbuild = join(exampleDir, 'node_modules/.bin/esbuild');
      await exec(
        esbuild,
        [entry, '--bundle', '--platform=node', `--format=${format}`, '--external:better-sqlite3', `--outfile=${bundle}`, '--log-level=error'],
        {
          cwd: exampleDir,
        },
      );
      const { stdout, stderr } = await exec(process.execPath, [bundle, join(out, `${format}.db`)], { cwd: out, timeout: 60_000 });
      expect(stdout).toContain('result 42');
      const warnings = stderr.split('\n').filter((line) => line.startsWith('warn HEARTBEAT_FALLBACK'));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain("heartbeat: 'main'");
    }, 90_000);
  }
});
