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
  return { name: 'default', state, size: null, runAt: 0, startedAt: finishedAt - 10, finishedAt };
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

  /** The built package in a temp node_modules with its dependencies but not prom-client. */
  function installWithoutPromClient(): string {
    const dir = mkdtempSync(join(tmpdir(), 'waitline-no-prom-'));
    dirs.push(dir);
    const target = join(dir, 'node_modules', '@waitline', 'http');
    mkdirSync(target, { recursive: true });
    cpSync(join(PACKAGE_DIR, 'dist'), join(target, 'dist'), { recursive: true });
    cpSync(join(PACKAGE_DIR, 'package.json'), join(target, 'package.json'));
    const { dependencies } = JSON.parse(readFileSync(join(PACKAGE_DIR, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    for (const name of Object.keys(dependencies)) {
      const link = join(dir, 'node_modules', name);
      mkdirSync(dirname(link), { recursive: true });
      symlinkSync(realpathSync(join(PACKAGE_DIR, 'node_modules', name)), link, 'dir');
    }
    return dir;
  }

  it('loads without it and answers a scrape with METRICS_UNAVAILABLE saying how to install it (ESM and CJS builds)', async () => {
    const dir = installWithoutPromClient();
    const report = `try { await m.createMetrics([]).render(); console.log('{}'); }
      catch (e) { console.log(JSON.stringify({ code: e.code, status: e.status, ok: e instanceof m.MetricsUnavailableError, message: e.message })); }`;
    writeFileSync(join(dir, 'esm.mjs'), `import * as m from '@waitline/http';\n${report}\n`);
    writeFileSync(join(dir, 'cjs.cjs'), `const m = require('@waitline/http');\n(async () => { ${report} })();\n`);
    for (const file of ['esm.mjs', 'cjs.cjs']) {
      const { stdout } = await run(process.execPath, [file], { cwd: dir });
      const answer = JSON.parse(stdout.trim()) as Record<string, unknown>;
      expect(answer, file).toMatchObject({ code: 'METRICS_UNAVAILABLE', status: 501, ok: true });
      expect(answer.message, file).toContain('npm i prom-client');
    }
  });
});
