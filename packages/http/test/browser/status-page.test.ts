/**
 * The per-job status page in a real browser, on a real server, SQLite storage and worker, under a
 * base path: a waiting job's position counts down, then it runs with its stage, then completes; a
 * cancelled job ends Cancelled; an unknown job says so; a phone's width needs no sideways scroll.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { chromiumAvailable, launch, pageErrors, startApp, type TestApp } from './harness.js';

const WAIT = { timeout: 15_000, interval: 50 };

describe.skipIf(!chromiumAvailable())('the per-job status page', () => {
  let browser: Browser;
  let app: TestApp;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });
  beforeEach(async () => {
    app = await startApp({ basePath: '/waitline' });
    page = await browser.newPage({ viewport: { width: 390, height: 800 } });
    errors = pageErrors(page);
  });
  afterEach(async () => {
    await page?.close();
    await app?.close();
  });

  const headline = () => page.locator('h1').textContent();
  const open = (jobId: string) => page.goto(`${app.url}/status/transcribe/${encodeURIComponent(jobId)}`);

  test('counts a waiting job down to its start, shows its progress and stage, then Completed', async () => {
    await (await app.queue.add({ mode: 'ok' })).finished(); // a finished job: the ETA has a basis
    const first = await app.queue.add({ mode: 'gate' });
    const second = await app.queue.add({ mode: 'gate' });
    const mine = await app.queue.add({ mode: 'gate' });
    await app.started(first.id);

    await open(mine.id);
    await expect.poll(headline, WAIT).toMatch(/^Queued \(#2\) · \S/);
    app.release(first.id);
    await expect.poll(headline, WAIT).toMatch(/^Queued \(#1\) · \S/);
    app.release(second.id);
    await expect.poll(headline, WAIT).toBe('Running');
    await expect.poll(() => page.locator('.progress-text').textContent(), WAIT).toBe('40% · transcribing');
    expect(await page.locator('progress').getAttribute('value')).toBe('40');
    app.release(mine.id);
    await expect.poll(headline, WAIT).toBe('Completed');
    await expect.poll(() => page.title(), WAIT).toBe('Completed · transcribe');
    expect(errors).toEqual([]);
  });

  test('a running job cancelled elsewhere ends Cancelled', async () => {
    const job = await app.queue.add({ mode: 'gate' });
    await app.started(job.id);
    await open(job.id);
    await expect.poll(headline, WAIT).toBe('Running');
    await app.queue.cancel(job.id);
    await expect.poll(headline, WAIT).toBe('Cancelled');
    expect((await app.queue.getJob(job.id))?.state).toBe('cancelled');
    expect(errors).toEqual([]);
  });

  test('an unknown job says it is not found, in words', async () => {
    await open('01a00000-0000-7000-8000-000000000000');
    await expect.poll(headline, WAIT).toBe('Job not found');
  });

  test('fits a 360 px phone without sideways scrolling', async () => {
    const running = await app.queue.add({ mode: 'gate' });
    const job = await app.queue.add({ mode: 'gate' });
    await app.started(running.id);
    await page.setViewportSize({ width: 360, height: 640 });
    await open(job.id);
    await expect.poll(headline, WAIT).toMatch(/^Queued \(#1\)/);
    const widths = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
    expect(widths[0]).toBeLessThanOrEqual(widths[1] as number);
    app.release(running.id);
    app.release(job.id);
  });
});
