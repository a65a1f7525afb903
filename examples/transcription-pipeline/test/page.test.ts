/**
 * The page in a real browser (Debian's chromium through playwright-core) against the example's
 * server, a real SQLite queue and a real Worker whose jobs report progress and then wait on a gate
 * the test opens: each step is a condition waited for, never a sleep.
 *
 * Without /usr/bin/chromium the test is skipped with a loud warning, and fails under CI=true.
 * `WAITLINE_SCREENSHOT=path` saves a screenshot of the page mid-run (docs/images/example-page.png).
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { type Queue, Worker } from '@waitline/core';
import type { WaitlineHandler } from '@waitline/http';
import { SqliteStorage } from '@waitline/sqlite';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HandlerContext, type HandlerJob, type MeetingPayload, type MeetingResult, transcribeQueue } from '../src/pipeline.js';
import { type MeetingEntry, WebServer } from '../src/web.js';
import { eventsUrl } from '../web/status.js';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
const ci = process.env.CI === 'true';
if (!hasChromium && !ci) console.warn(`\n!!!!! ${CHROMIUM} is missing: SKIPPING the example's browser test (a failure under CI=true)\n`);

const PRIORITY = { low: 1, normal: 2, high: 3, urgent: 4 } as const;
const WAIT = { timeout: 10_000 };

/** Where a job holds: `reached` once its handler waits there, `open()` lets it go on. */
class Gate {
  open!: () => void;
  readonly opened = new Promise<void>((done) => (this.open = done));
  arrive!: () => void;
  readonly reached = new Promise<void>((done) => (this.arrive = done));
}

describe.skipIf(!hasChromium && !ci)('the example page in chromium', () => {
  let dir: string;
  let storage: SqliteStorage;
  let queue: Queue<MeetingPayload, MeetingResult>;
  let worker: Worker<MeetingPayload, MeetingResult>;
  let web: WebServer;
  let handler: WaitlineHandler;
  let browser: Browser;
  let page: Page;
  const gates = new Map<string, Gate>();
  let released = false; // once the test ends, no job holds
  const gate = (id: string): Gate => {
    if (!gates.has(id)) gates.set(id, new Gate());
    const g = gates.get(id)!;
    if (released) g.open();
    return g;
  };
  const entries: MeetingEntry[] = [];
  let complete = false;
  const streams = new Set<string>();
  const problems: string[] = [];

  // Reports two stages, then holds at 40% transcribing until the test opens the meeting's gate.
  async function transcribe(job: HandlerJob, ctx: HandlerContext): Promise<MeetingResult> {
    const { meetingId, audioSeconds } = job.payload;
    await ctx.progress({ percent: 5, stage: 'download' });
    await ctx.progress({ percent: 40, stage: 'transcribe' });
    gate(meetingId).arrive();
    await gate(meetingId).opened;
    await ctx.progress({ percent: 90, stage: 'speakers' });
    return { meetingId, transcriber: 'gated', audioSeconds, speechSeconds: 0, speakers: 0, segments: 0, transcript: [] };
  }

  async function submit(meetingId: string, user: string, audioSeconds: number, priority: keyof typeof PRIORITY): Promise<void> {
    const job = await queue.add({ meetingId, user, file: join(dir, `${meetingId}.wav`), audioSeconds }, { priority: PRIORITY[priority], size: audioSeconds });
    entries.push({ meetingId, jobId: job.id, user, audioSeconds, priority });
  }

  const card = (id: string) => page.locator(`li[data-meeting-id="${id}"]`);
  /** Waits until the meeting's headline says `text`; on a timeout, says what the page showed instead. */
  async function headline(id: string, text: string | RegExp): Promise<void> {
    try {
      await card(id).locator('[data-field="headline"]', { hasText: text }).waitFor(WAIT);
    } catch (err) {
      const shown = (
        await page
          .locator('li.card')
          .allInnerTexts()
          .catch(() => ['(no page)'])
      ).join('\n--\n');
      throw new Error(`${id} never said ${text}; the page showed:\n${shown}\n${problems.join('\n')}`, { cause: err });
    }
  }

  beforeAll(async () => {
    if (!hasChromium) throw new Error(`CI=true and ${CHROMIUM} is missing: the example's browser test cannot run`);
    dir = await mkdtemp(join(tmpdir(), 'waitline-page-'));
    storage = await SqliteStorage.open({ path: join(dir, 'jobs.db') });
    queue = transcribeQueue(storage, 1);
    web = await WebServer.listen({ port: 0, strict: true });
    handler = web.mount(queue, () => ({ meetings: [...entries], complete }));
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    page = await browser.newPage({ viewport: { width: 960, height: 720 } });
    page.on('request', (r) => void (r.resourceType() === 'eventsource' && streams.add(r.url())));
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => void (m.type() === 'error' && problems.push(`console: ${m.text()}`)));
  }, 30_000);

  afterAll(async () => {
    // Every gate opens (and any job claimed from now on does not hold), so the worker closes at once.
    released = true;
    for (const g of gates.values()) g.open();
    await browser?.close();
    await worker?.close();
    await web?.close();
    await storage?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  }, 20_000);

  it('follows each meeting from its place in line to a progress bar with its stage to Done', { timeout: 30_000 }, async () => {
    await submit('m-1', 'alice', 45, 'normal');
    worker = new Worker(queue, transcribe, { concurrency: 1 });
    await gate('m-1').reached; // running, at 40%: the next two wait behind it
    await submit('m-2', 'bob', 62, 'high');
    await submit('m-3', 'carol', 30, 'low');
    await page.goto(web.url);

    await headline('m-1', 'Transcribing · 40%');
    await headline('m-2', 'Queued (#1)');
    await headline('m-3', 'Queued (#2)');

    // A meeting submitted later appears (the page polls /meetings.json) and goes ahead of a low one.
    await submit('m-4', 'dave', 38, 'normal');
    complete = true;
    await headline('m-4', 'Queued (#2)');
    await headline('m-3', 'Queued (#3)');

    // m-1 done: its run time now gives the others an estimate.
    gate('m-1').open();
    await headline('m-1', /^Done in \d+(\.\d)? s$/);
    await headline('m-2', 'Transcribing · 40%');
    await headline('m-4', /^Queued \(#1\) · ~\d+ (s|min)$/);
    await headline('m-3', /^Queued \(#2\) · ~\d+ (s|min)$/);
    await expect(page.getByRole('progressbar', { name: 'm-2 progress' }).getAttribute('aria-valuetext')).resolves.toBe('Transcribing · 40%');
    if (process.env.WAITLINE_SCREENSHOT) {
      const file = resolve(process.env.WAITLINE_SCREENSHOT);
      await mkdir(dirname(file), { recursive: true });
      await page.screenshot({ path: file, fullPage: true });
    }

    // Readable at 360 px: nothing scrolls sideways, every card fits.
    await page.setViewportSize({ width: 360, height: 740 });
    // (A string: this project's types have no DOM.)
    const sideways = await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    expect(sideways).toBe(0);
    const boxes = await Promise.all((await page.locator('li.card').all()).map((c) => c.boundingBox()));
    expect(boxes).toHaveLength(4);
    for (const box of boxes) expect(box!.x + box!.width).toBeLessThanOrEqual(360);

    // m-4 from "Queued (#2)" to a progress bar with its stage, to Done.
    gate('m-2').open();
    await headline('m-4', 'Transcribing · 40%');
    const bar = page.getByRole('progressbar', { name: 'm-4 progress' });
    await bar.waitFor({ state: 'visible', ...WAIT });
    expect(await bar.getAttribute('value')).toBe('40');
    await expect(card('m-4').getAttribute('data-state')).resolves.toBe('running');
    gate('m-4').open();
    await headline('m-4', /^Done in \d+(\.\d)? s$/);
    expect(await bar.isHidden()).toBe(true);
    gate('m-3').open();
    await headline('m-3', /^Done in/);

    // One stream per meeting, on the public route; each closed by the page once its job was done.
    expect([...streams].sort()).toEqual(entries.map((e) => new URL(eventsUrl('/waitline', 'transcribe', e.jobId), web.url).href).sort());
    await expect.poll(() => handler.openStreams, WAIT).toBe(0);
    expect(problems).toEqual([]);
  });
});
