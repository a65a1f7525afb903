/**
 * The parts of the metrics collector that storages do not exercise on their own: picking the
 * finished samples a scrape has not seen (batches of identical samples, old samples coming back
 * into the window after a clean, a window overrun), and the package without `prom-client`: the
 * built package (dist/, ESM and CJS) installed in a temp directory where `prom-client` cannot be
 * resolved, loaded by a plain Node process.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { FinishedSample } from '@waitline/core';
import { afterAll, describe, expect, it } from 'vitest';
import { importPeer, MetricsUnavailableError } from '../src/metrics/load.js';
import { SampleTracker } from '../src/metrics/samples.js';

const run = promisify(execFile);
const PACKAGE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');

function sample(finishedAt: number, state: 'completed' | 'failed' = 'completed'): FinishedSample {
  return { name: 'default', state, priority: 2, size: null, createdAt: 0, runAt: 0, startedAt: finishedAt - 10, finishedAt };
}

/** Newest first, as storages return them. */
function newestFirst(...finishedAt: number[]): FinishedSample[] {
  return finishedAt.map((t) => sample(t)).sort((a, b) => b.finishedAt - a.finishedAt);
}

describe('SampleTracker', () => {
  it('hands out each sample once, counting identical samples of one batch each', () => {
    const tracker = new SampleTracker(10);
    expect(tracker.take(newestFirst(100, 100, 90)).fresh).toHaveLength(3);
    expect(tracker.take(newestFirst(110, 100, 100, 90)).fresh.map((s) => s.finishedAt)).toEqual([110]);
    // A third identical sample of the batch at 100, settled later by another worker's clock.
    expect(tracker.take(newestFirst(110, 100, 100, 100, 90)).fresh.map((s) => s.finishedAt)).toEqual([100]);
  });

  it('never hands out again samples older than its last full window when a clean lets them back', () => {
    const tracker = new SampleTracker(3);
    expect(tracker.take(newestFirst(50, 40, 30)).fresh).toHaveLength(3); // full: 20 and 10 were left out
    expect(tracker.take(newestFirst(60, 50, 40)).fresh.map((s) => s.finishedAt)).toEqual([60]);
    // The jobs that finished at 50 and 60 were removed: 30 and 20 come back into the window.
    expect(tracker.take(newestFirst(40, 30, 20)).fresh).toEqual([]);
  });

  it('flags a window that holds only unseen samples after the first scrape', () => {
    const tracker = new SampleTracker(2);
    expect(tracker.take(newestFirst(20, 10)).overrun).toBe(false); // the first window is history
    expect(tracker.take(newestFirst(30, 20)).overrun).toBe(false);
    expect(tracker.take(newestFirst(60, 50))).toMatchObject({ overrun: true, fresh: [{ finishedAt: 60 }, { finishedAt: 50 }] });
    expect(tracker.take(newestFirst(70)).overrun).toBe(false); // not full
  });
});

describe('without prom-client', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('maps a module that cannot be found to MetricsUnavailableError, and other failures to themselves', async () => {
    const missing = importPeer(() => import(/* @vite-ignore */ `${'prom-client'}-not-installed-${process.pid}`));
    await expect(missing).rejects.toBeInstanceOf(MetricsUnavailableError);
    await expect(missing).rejects.toMatchObject({ code: 'METRICS_UNAVAILABLE', status: 501 });
    const broken = new Error('broken module');
    await expect(importPeer(() => Promise.reject(broken))).rejects.toBe(broken);
  });

  /** The built package in a temp node_modules with its dependencies and @waitline/sqlite, but not prom-client. */
  function installWithoutPromClient(): string {
    const dir = mkdtempSync(join(tmpdir(), 'waitline-no-prom-'));
    dirs.push(dir);
    const target = join(dir, 'node_modules', '@waitline', 'http');
    mkdirSync(target, { recursive: true });
    cpSync(join(PACKAGE_DIR, 'dist'), join(target, 'dist'), { recursive: true });
    cpSync(join(PACKAGE_DIR, 'package.json'), join(target, 'package.json'));
    const { dependencies } = JSON.parse(readFileSync(join(PACKAGE_DIR, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    for (const name of [...Object.keys(dependencies), '@waitline/sqlite']) {
      const link = join(dir, 'node_modules', name);
      mkdirSync(dirname(link), { recursive: true });
      symlinkSync(realpathSync(join(PACKAGE_DIR, 'node_modules', name)), link, 'dir');
    }
    return dir;
  }

  /** A script that scrapes directly and through the handler, printing both answers as JSON. */
  const SCRIPT = `
    const storage = await SqliteStorage.open({ path: ':memory:' });
    const handler = http.createHandler({ queues: [new Queue(storage, 'q')] });
    const answer = await handler(new Request('http://localhost/metrics'));
    const direct = await http.createMetrics([]).render().then(() => ({}), (e) => ({ code: e.code, status: e.status, ok: e instanceof http.MetricsUnavailableError, message: e.message }));
    console.log(JSON.stringify({ direct, route: { status: answer.status, body: await answer.json() } }));
    await storage.close();`;

  it('loads without it, and a scrape answers 501 METRICS_UNAVAILABLE saying how to install it (ESM and CJS builds)', async () => {
    const dir = installWithoutPromClient();
    const esm = `import * as http from '@waitline/http';\nimport { Queue } from '@waitline/core';\nimport { SqliteStorage } from '@waitline/sqlite';\n${SCRIPT}\n`;
    const cjs = `const http = require('@waitline/http');\nconst { Queue } = require('@waitline/core');\nconst { SqliteStorage } = require('@waitline/sqlite');\n(async () => { ${SCRIPT} })();\n`;
    writeFileSync(join(dir, 'esm.mjs'), esm);
    writeFileSync(join(dir, 'cjs.cjs'), cjs);
    for (const file of ['esm.mjs', 'cjs.cjs']) {
      const { stdout } = await run(process.execPath, [file], { cwd: dir });
      const { direct, route } = JSON.parse(stdout.trim()) as {
        direct: Record<string, unknown>;
        route: { status: number; body: { error: Record<string, unknown> } };
      };
      expect(direct, file).toMatchObject({ code: 'METRICS_UNAVAILABLE', status: 501, ok: true });
      expect(direct.message, file).toContain('npm i prom-client');
      expect(route.status, file).toBe(501);
      expect(route.body.error, file).toMatchObject({ code: 'METRICS_UNAVAILABLE' });
      expect(route.body.error.message, file).toContain('npm i prom-client');
    }
  });
});
