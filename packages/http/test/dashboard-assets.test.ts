/**
 * The dashboard's files as the handler serves them (built into dist/assets by the package build):
 * the HTML shells carry the base path, queue and id escaped; only known file names are served,
 * with their types, ETag, 304 and caching by version; `dashboard: false` serves none of it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from '@waitline/core';
import { SqliteStorage } from '@waitline/sqlite';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { assetResponse, dashboardResponse, statusPageResponse } from '../src/assets.js';
import { createHandler } from '../src/index.js';

describe('assetResponse', () => {
  test('serves the four built files by bare name, and nothing else', async () => {
    for (const [file, type] of [
      ['dashboard.js', 'text/javascript; charset=utf-8'],
      ['dashboard.css', 'text/css; charset=utf-8'],
      ['status.js', 'text/javascript; charset=utf-8'],
      ['status.css', 'text/css; charset=utf-8'],
    ]) {
      const response = (await assetResponse(file as string)) as Response;
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe(type);
      expect(response.headers.get('etag')).toMatch(/^"[0-9a-f]{20}"$/);
      expect(response.headers.get('cache-control')).toBe('no-cache');
      expect((await response.text()).length).toBeGreaterThan(500);
    }
    for (const file of ['../package.json', '..%2Fpackage.json', 'index.js', 'dashboard.js.map', '', 'constructor', '__proto__', 'toString']) {
      expect(await assetResponse(file)).toBeNull();
    }
  });

  test('answers 304 to a matching If-None-Match, no body to HEAD, and a year of caching to its current version', async () => {
    const first = (await assetResponse('status.js')) as Response;
    const etag = first.headers.get('etag') as string;
    const version = etag.slice(1, -1);
    const again = (await assetResponse('status.js', new Request('http://x/assets/status.js', { headers: { 'if-none-match': `W/${etag}` } }))) as Response;
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    const head = (await assetResponse('status.js', new Request('http://x/assets/status.js', { method: 'HEAD' }))) as Response;
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    const current = (await assetResponse('status.js', new Request(`http://x/assets/status.js?v=${version}`))) as Response;
    expect(current.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const stale = (await assetResponse('status.js', new Request('http://x/assets/status.js?v=0123'))) as Response;
    expect(stale.headers.get('cache-control')).toBe('no-cache');
  });
});

describe('the HTML shells', () => {
  test('the dashboard names its base path and its versioned files, escaped, under a strict CSP', async () => {
    const response = await dashboardResponse('/a"b<c>/');
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    const html = await response.text();
    expect(html).toContain('<meta name="waitline-base" content="/a&quot;b&lt;c&gt;">');
    expect(html).toMatch(/<script type="module" src="\/a&quot;b&lt;c&gt;\/assets\/dashboard\.js\?v=[0-9a-f]{20}"><\/script>/);
    expect(html).toMatch(/<link rel="stylesheet" href="\/a&quot;b&lt;c&gt;\/assets\/dashboard\.css\?v=[0-9a-f]{20}">/);
    expect(html).not.toContain('<c>');
  });

  test('the status page carries its queue and job id, escaped', async () => {
    const html = await (await statusPageResponse('', 'q"><script>', "j'&")).text();
    expect(html).toContain('<meta name="waitline-base" content="">');
    expect(html).toContain('<meta name="waitline-queue" content="q&quot;&gt;&lt;script&gt;">');
    expect(html).toContain('<meta name="waitline-job" content="j&#39;&amp;">');
    expect(html).toContain('src="/assets/status.js?v=');
    expect(html).not.toContain('<script>');
  });
});

describe('the dashboard routes in the handler', () => {
  let dir: string;
  let storage: SqliteStorage;
  let queue: Queue;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'wl-assets-'));
    storage = await SqliteStorage.open({ path: join(dir, 'jobs.db') });
    queue = new Queue(storage, 'transcribe');
  });
  afterAll(async () => {
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('serve the page, the files and the status page under the base path, without authorize', async () => {
    const handler = createHandler({ queues: [queue], basePath: '/waitline' });
    const get = (path: string) => handler(new Request(`http://localhost${path}`));
    for (const path of ['/waitline', '/waitline/']) {
      const page = await get(path);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('content="/waitline"');
    }
    expect((await get('/waitline/assets/dashboard.js')).status).toBe(200);
    const status = await get('/waitline/status/transcribe/some-id');
    expect(status.status).toBe(200);
    expect(await status.text()).toContain('<meta name="waitline-job" content="some-id">');

    const unknown = await get('/waitline/assets/..%2Fpackage.json');
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).error.code).toBe('NOT_FOUND');
    const noQueue = await get('/waitline/status/nope/some-id');
    expect(noQueue.status).toBe(404);
    expect((await noQueue.json()).error.code).toBe('QUEUE_NOT_FOUND');
    expect((await get('/assets/dashboard.js')).status).toBe(404);
    handler.close();
  });

  test('are all off with dashboard: false', async () => {
    const handler = createHandler({ queues: [queue], dashboard: false });
    for (const path of ['/', '/assets/dashboard.js', '/status/transcribe/x']) {
      expect((await handler(new Request(`http://localhost${path}`))).status).toBe(404);
    }
    handler.close();
  });
});
