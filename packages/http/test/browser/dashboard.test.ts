/**
 * The dashboard in a real browser, on a real server, SQLite storage and worker: positions count
 * down live, the Groups panel counts each tenant's jobs, a running job is cancelled, a dead letter retried, a queue paused and cleared (after
 * a confirmation), every control reached by Tab, no sideways scroll at 360 px, and the API's 403
 * shown when `authorize` is not configured. Also writes the dashboard's screenshot to
 * `.vitest/artifacts/dashboard.png`; with `WAITLINE_UPDATE_SCREENSHOTS=1` it also replaces the
 * README's `docs/images/dashboard.png` (a tracked file, so not on every run).
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { StorageUnavailableError } from '@waitline/core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { artifactPath, chromiumAvailable, launch, pageErrors, REPO_ROOT, startApp, type TestApp } from './harness.js';

const WAIT = { timeout: 15_000, interval: 50 };

describe.skipIf(!chromiumAvailable())('the dashboard', () => {
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
    app = await startApp();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    errors = pageErrors(page);
  });
  afterEach(async () => {
    await page?.close();
    await app?.close();
  });

  const job = (id: string) => page.locator(`li[data-job="${id}"]`);
  const text = (selector: string) => () => page.locator(selector).textContent();
  const ids = (list: string) => () => page.locator(`${list} li[data-job]`).evaluateAll((els) => els.map((e) => e.getAttribute('data-job')));
  const open = async () => {
    await page.goto(`${app.url}/`);
    await expect.poll(text('.live-badge'), WAIT).toBe('live');
  };

  test('waiting jobs count down live as the running one finishes', async () => {
    const running = await app.queue.add({ mode: 'gate' });
    const next = await app.queue.add({ mode: 'gate' });
    const last = await app.queue.add({ mode: 'gate' });
    await app.started(running.id);
    await open();
    await expect.poll(() => job(next.id).locator('.place').textContent(), WAIT).toMatch(/^#1\b/);
    await expect.poll(() => job(last.id).locator('.place').textContent(), WAIT).toMatch(/^#2\b/);
    await expect.poll(text('.live-counts'), WAIT).toBe('1 running, 2 waiting, 0 scheduled, 0 failed');

    app.release(running.id);
    await expect.poll(() => job(last.id).locator('.place').textContent(), WAIT).toMatch(/^#1\b/);
    await expect.poll(ids('[aria-labelledby="running-title"]'), WAIT).toEqual([next.id]);
    await expect.poll(() => job(next.id).locator('.progress-text').textContent(), WAIT).toBe('40% · transcribing');
    await expect.poll(text('.live-counts'), WAIT).toBe('1 running, 1 waiting, 0 scheduled, 0 failed');
    app.release(next.id);
    app.release(last.id);
    expect(errors).toEqual([]);
  });

  test('the Groups panel lists each tenant with its waiting and running jobs and weight', async () => {
    const running = await app.queue.add({ mode: 'gate' }, { group: 'alice' });
    await app.started(running.id);
    const waiting = [await app.queue.add({ mode: 'gate' }, { group: 'alice' }), await app.queue.add({ mode: 'gate' }, { group: 'bob' })];
    await app.queue.setGroup('bob', { weight: 2 });
    await open();
    const cells = (group: string) => () => page.locator(`table.groups tr[data-group="${group}"] td.num`).allTextContents();
    await expect.poll(cells('alice'), WAIT).toEqual(['1', '0', '1', '1']);
    await expect.poll(cells('bob'), WAIT).toEqual(['1', '0', '0', '2']);
    await expect.poll(text('#groups-title'), WAIT).toBe('Groups (2)');
    for (const job of [running, ...waiting]) app.release(job.id);
    expect(errors).toEqual([]);
  });

  test('cancelling a running job ends it cancelled', async () => {
    const running = await app.queue.add({ mode: 'gate' });
    await app.started(running.id);
    await open();
    await job(running.id)
      .getByRole('button', { name: `Cancel job ${running.id}` })
      .click();
    await expect.poll(ids('[aria-labelledby="running-title"]'), WAIT).toEqual([]);
    expect((await app.queue.getJob(running.id))?.state).toBe('cancelled');
    await page.getByLabel('Show').selectOption('cancelled');
    await expect.poll(() => job(running.id).locator('.badge').textContent(), WAIT).toBe('cancelled');
    await expect.poll(text('.notice'), WAIT).toContain(running.id);
    expect(errors).toEqual([]);
  });

  test('a failed job shows its error, and Retry runs it again', async () => {
    const failing = await app.queue.add({ mode: 'failOnce' });
    await expect(failing.finished()).rejects.toThrow();
    await open();
    await expect.poll(() => job(failing.id).locator('.error-text').textContent(), WAIT).toContain('the audio could not be decoded');
    await job(failing.id)
      .getByRole('button', { name: `Retry job ${failing.id}` })
      .click();
    await expect.poll(async () => (await app.queue.getJob(failing.id))?.state, WAIT).toBe('completed');
    await expect.poll(ids('[aria-labelledby="finished-title"]'), WAIT).toEqual([]);
    expect(errors).toEqual([]);
  });

  test('pause and resume a queue; clear asks for confirmation first', async () => {
    await app.queue.setGroupLimits({ groupConcurrency: 2, groupMaxWaiting: 100, groupRateLimit: { max: 5, intervalMs: 60_000 } });
    await open();
    const card = page.locator('li.queue-card[data-queue="transcribe"]');
    await expect.poll(() => card.locator('.limits').textContent(), WAIT).toContain('per group: 2 running, 100 waiting, 5 starts per 1 min');
    await app.queue.setGroupLimits({ groupConcurrency: null, groupMaxWaiting: null, groupRateLimit: null });
    await card.getByRole('button', { name: 'Pause' }).click();
    await expect.poll(() => card.locator('.badge.paused').count(), WAIT).toBe(1);
    expect((await app.queue.getConfig()).paused).toBe(true);

    const waiting = await app.queue.add({ mode: 'ok' });
    await expect.poll(ids('[aria-labelledby="waiting-title"]'), WAIT).toEqual([waiting.id]);
    await card.getByRole('button', { name: 'Clear…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Clear queue transcribe?' });
    await dialog.waitFor({ state: 'visible' });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect((await app.queue.getJob(waiting.id))?.state).toBe('queued');
    await card.getByRole('button', { name: 'Clear…' }).click();
    await dialog.getByRole('button', { name: 'Remove waiting jobs' }).click();
    await expect.poll(ids('[aria-labelledby="waiting-title"]'), WAIT).toEqual([]);
    await expect.poll(text('.notice'), WAIT).toBe('Removed 1 waiting job from queue transcribe.');

    await card.getByRole('button', { name: 'Resume' }).click();
    await expect.poll(() => card.locator('.badge.paused').count(), WAIT).toBe(0);
    expect((await app.queue.getConfig()).paused).toBe(false);

    // Another queue's details, and the address remembers which.
    await page.locator('li.queue-card[data-queue="embed"]').getByRole('button', { name: 'embed' }).click();
    await expect.poll(text('#detail-title'), WAIT).toBe('Queue embed');
    await expect.poll(() => page.evaluate(() => location.hash), WAIT).toBe('#queue=embed');
    await expect.poll(text('.live-badge'), WAIT).toBe('live');
    expect(errors).toEqual([]);
  });

  test('every control is reached with Tab, shows a focus ring, and works with the keyboard', async () => {
    const running = await app.queue.add({ mode: 'gate' });
    const waiting = await app.queue.add({ mode: 'gate' });
    await app.started(running.id);
    await open();
    await expect.poll(ids('[aria-labelledby="waiting-title"]'), WAIT).toEqual([waiting.id]);
    const reached: string[] = [];
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press('Tab');
      const stop = await page.evaluate(() => {
        const el = document.activeElement as HTMLElement;
        const ring = getComputedStyle(el).outlineStyle !== 'none';
        return `${el.getAttribute('aria-label') ?? el.textContent?.trim() ?? ''}${el.id ? `#${el.id}` : ''}|${ring}`;
      });
      reached.push(stop);
    }
    for (const name of ['Pause', 'Drain…', 'Clear…', `Cancel job ${running.id}`, `Set the priority of job ${waiting.id}`, `Cancel job ${waiting.id}`]) {
      expect(reached).toContain(`${name}|true`);
    }
    expect(reached).toContain(`#priority-${waiting.id}|true`);

    // The priority form, by keyboard alone.
    await page.locator(`#priority-${waiting.id}`).focus();
    await page.keyboard.press('Control+A');
    await page.keyboard.type('7');
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await app.queue.getJob(waiting.id))?.priority, WAIT).toBe(7);
    app.release(running.id);
    app.release(waiting.id);
    expect(errors).toEqual([]);
  });

  test('fits a 360 px phone without sideways scrolling; screenshot', async () => {
    for (let i = 0; i < 4; i++) await (await app.queue.add({ mode: 'ok' })).finished();
    const failing = await app.queue.add({ mode: 'failOnce' });
    await expect(failing.finished()).rejects.toThrow();
    const running = await app.queue.add({ mode: 'gate' });
    await app.started(running.id); // before a higher priority job could overtake it
    const waiting = [await app.queue.add({ mode: 'gate' }), await app.queue.add({ mode: 'gate' }, { priority: 3 })];
    await app.queue.add({ mode: 'ok' }, { delayMs: 600_000 });
    await open();
    await expect.poll(ids('[aria-labelledby="waiting-title"]'), WAIT).toHaveLength(3);
    await expect.poll(() => page.locator('[data-chart] canvas').count(), WAIT).toBeGreaterThanOrEqual(4);
    await expect.poll(text('#chart-throughput-summary'), WAIT).toBe('4 completed and 1 failed in the last hour.');

    await page.screenshot({ path: artifactPath('dashboard.png'), fullPage: true });
    if (process.env.WAITLINE_UPDATE_SCREENSHOTS === '1') {
      mkdirSync(join(REPO_ROOT, 'docs', 'images'), { recursive: true });
      copyFileSync(artifactPath('dashboard.png'), join(REPO_ROOT, 'docs', 'images', 'dashboard.png'));
    }

    await page.setViewportSize({ width: 360, height: 740 });
    await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth), WAIT).toBeLessThanOrEqual(0);
    await page.screenshot({ path: artifactPath('dashboard-360.png'), fullPage: true });
    app.release(running.id);
    for (const w of waiting) app.release(w.id);
    expect(errors).toEqual([]);
  });

  test('dates a job scheduled days ahead, and shows a storage failure behind the live stream', async () => {
    const later = await app.queue.add({ mode: 'ok' }, { delayMs: 3 * 86_400_000 });
    await open();
    await expect.poll(() => job(later.id).textContent(), WAIT).toMatch(/scheduled for \w{3}, \w{3} \d{1,2}, /);
    const stats = app.queue.getStats.bind(app.queue);
    app.queue.getStats = () => Promise.reject(new StorageUnavailableError('storage down: stats read failed'));
    try {
      await app.queue.add({ mode: 'ok' }); // a change: the stream reads the stats again, and sends `failure`
      await expect.poll(() => page.locator('section.detail .error-banner').allInnerTexts(), WAIT).toContainEqual(expect.stringContaining('stats read failed'));
    } finally {
      app.queue.getStats = stats;
    }
  });

  test('shows the API’s 403 when authorize is not configured', async () => {
    const closed = await startApp({ authorize: undefined });
    try {
      await page.goto(`${closed.url}/`);
      await expect.poll(() => page.getByRole('alert').first().textContent(), WAIT).toContain('admin routes are off');
      await expect.poll(() => page.getByRole('alert').first().textContent(), WAIT).toContain('FORBIDDEN, HTTP 403');
    } finally {
      await closed.close();
    }
  });
});
