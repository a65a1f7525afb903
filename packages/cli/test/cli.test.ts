/**
 * The built `waitline` bin, run as a child process against every storage: reads in tables and
 * JSON, every action, and the error line and exit code of each kind of failure (nothing written).
 */
import { Queue, WEBHOOK_QUEUE, Worker } from '@waitline/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// One storage helper for the HTTP and the CLI tests (each storage also gives the URL the CLI takes).
import { type OpenedStorage, testStorages } from '../../http/test/storages.js';
import { waitline } from './bin.js';

for (const kind of await testStorages()) {
  describe(`waitline on ${kind.name}`, () => {
    let db: OpenedStorage;
    let q: Queue<{ n: number }>;
    const cli = (...args: string[]) => waitline(['--storage', db.url, ...args]);

    beforeAll(async () => {
      db = await kind.open();
      q = new Queue(db.storage, 'work');
    });
    afterAll(async () => {
      await db?.cleanup();
    });

    it('shows stats, lists and shows jobs, as tables and as JSON', async () => {
      const low = await q.add({ n: 1 }, { priority: 1 });
      const high = await q.add({ n: 2 }, { priority: 9 });
      const stats = await cli('stats', 'work');
      expect(stats.code).toBe(0);
      expect(stats.stdout).toMatch(/ready\s+scheduled[\s\S]*\n2\s+0/);
      const json = JSON.parse((await cli('stats', 'work', '--json')).stdout);
      expect(json.counts).toMatchObject({ queued: 2, ready: 2 });
      const list = await cli('list', 'work', '--state', 'queued');
      expect(list.stdout.split('\n')[0]).toMatch(/^id\s+state\s+prio/);
      expect(list.stdout).toContain(low.id);
      const listed = JSON.parse((await waitline(['list', 'work', '--json', '--limit', '1'], { WAITLINE_STORAGE: db.url })).stdout);
      expect(listed.map((j: { id: string }) => j.id)).toEqual([high.id]);
      const shown = await cli('show', 'work', low.id);
      expect(shown.stdout).toContain('position 2');
      expect(shown.stdout).toContain('payload {"n":1}');
      expect(JSON.parse((await cli('show', 'work', high.id, '--json')).stdout)).toMatchObject({ position: 1, payload: { n: 2 } });
      await q.clear();
    });

    it('--json never prints a lease token, and masks a webhook subscription token', async () => {
      const hooked = await q.add({ n: 9 }, { webhook: { url: 'https://hooks.example.com/x', token: 'secret-token' } });
      const listed = JSON.parse((await cli('list', 'work', '--json')).stdout) as Array<Record<string, unknown>>;
      const shown = listed.find((j) => j.id === hooked.id)!;
      expect(shown).not.toHaveProperty('leaseToken');
      expect(shown.webhook).toMatchObject({ url: 'https://hooks.example.com/x', token: '***' });
      const cancelled = await cli('cancel', 'work', hooked.id, '--json');
      expect(cancelled.stdout).not.toContain('secret-token');
      expect((await q.getJob(hooked.id))?.webhook?.token).toBe('secret-token');
      await q.clear();
      await db.storage.removeJobs({ queue: 'work', states: ['cancelled'], limit: 1_000 });
      // A delivery job carries the token in its payload: shown masked too.
      const deliveries = new Queue(db.storage, WEBHOOK_QUEUE);
      const delivery = await deliveries.add({ url: 'https://hooks.example.com/x', token: 'secret-token', event: 'completed', body: {} });
      const out = (await cli('list', WEBHOOK_QUEUE, '--json')).stdout;
      expect(out).not.toContain('secret-token');
      expect((JSON.parse(out) as Array<{ id: string; payload: { token: string } }>).find((j) => j.id === delivery.id)?.payload.token).toBe('***');
      expect((await cli('show', WEBHOOK_QUEUE, delivery.id, '--json')).stdout).not.toContain('secret-token');
      await deliveries.clear();
    });

    it('cancels, retries, promotes and reprioritises jobs', async () => {
      const later = await q.add({ n: 3 }, { delayMs: 3_600_000 });
      const promoted = await cli('promote', 'work', later.id);
      expect(promoted.code).toBe(0);
      expect((await q.getStatus(later.id)).scheduled).toBe(false);
      expect((await cli('priority', 'work', later.id, '7')).stdout).toContain('priority 7');
      expect((await cli('cancel', 'work', later.id)).stdout).toContain('now cancelled');
      const retried = JSON.parse((await cli('retry', 'work', later.id, '--json')).stdout);
      expect(retried).toMatchObject({ id: later.id, state: 'queued' });
      expect(retried).not.toHaveProperty('leaseToken');
      await q.clear();
    });

    it('pauses, resumes, drains, clears and cleans a queue', async () => {
      expect((await cli('pause', 'work')).stdout).toContain('paused');
      expect((await q.getConfig()).paused).toBe(true);
      expect((await cli('resume', 'work')).stdout).toContain('running');
      await q.addBulk([{ payload: { n: 1 } }, { payload: { n: 2 } }]);
      expect((await cli('clear', 'work')).stdout).toContain('removed 2 queued jobs');
      const w = new Worker(q, async () => 'ok');
      await q.finished((await q.add({ n: 4 })).id, { timeoutMs: 15_000 });
      await w.close();
      expect(JSON.parse((await cli('clean', 'work', '--state', 'completed', '--older-than', '0s', '--json')).stdout)).toEqual({ removed: 1 });
      expect((await cli('drain', 'work')).stdout).toContain('draining');
      await expect(q.add({ n: 5 })).rejects.toMatchObject({ code: 'QUEUE_DRAINING' });
      await cli('resume', 'work');
    });

    it('sets and removes a rate limit for every process; stats show it; bad values write nothing', async () => {
      const set = await cli('rate-limit', 'work', '--max', '10', '--per', '1m');
      expect(set).toMatchObject({ code: 0, stdout: 'queue work: at most 10 starts per 1m 0s\n' });
      expect((await q.getConfig()).rateLimit).toEqual({ max: 10, intervalMs: 60_000 });
      expect((await cli('stats', 'work')).stdout).toContain('at most 10 starts per 1m 0s');
      const zero = await cli('rate-limit', 'work', '--max', '0', '--per', '1m');
      expect(zero.code).toBe(2);
      expect(zero.stderr).toMatch(/^error VALIDATION: .*\(at rateLimit\.max\)\n$/);
      const noWindow = await cli('rate-limit', 'work', '--max', '5');
      expect(noWindow).toMatchObject({ code: 2 });
      expect(noWindow.stderr).toContain('(at per)');
      expect((await cli('rate-limit', 'work', '--off', '--max', '5')).code).toBe(2);
      expect((await q.getConfig()).rateLimit).toEqual({ max: 10, intervalMs: 60_000 });
      const off = await cli('rate-limit', 'work', '--off', '--json');
      expect(off.code).toBe(0);
      expect(JSON.parse(off.stdout).rateLimit ?? null).toBeNull();
      expect((await q.getConfig()).rateLimit ?? null).toBeNull();
      expect((await cli('stats', 'work')).stdout).toContain('no rate limit');
    });

    it('sets and removes the per-group caps; stats show them; bad values write nothing', async () => {
      const set = await cli('group-limits', 'work', '--concurrency', '2', '--max-waiting', '100');
      expect(set).toMatchObject({ code: 0, stdout: 'queue work: groups: at most 2 running, 100 waiting each\n' });
      expect((await cli('stats', 'work')).stdout).toContain('groups: at most 2 running, 100 waiting each');
      const zero = await cli('group-limits', 'work', '--concurrency', '0');
      expect(zero.code).toBe(2);
      expect(zero.stderr).toMatch(/^error VALIDATION: .*\(at groupConcurrency\)\n$/);
      expect((await cli('group-limits', 'work')).code).toBe(2);
      expect((await q.getConfig()).groupConcurrency).toBe(2);
      const off = await cli('group-limits', 'work', '--concurrency', 'off', '--max-waiting', 'off', '--json');
      expect(off.code).toBe(0);
      expect(JSON.parse(off.stdout).groupConcurrency ?? null).toBeNull();
      expect((await cli('group-limits', 'work', '--max-waiting', 'off')).stdout).toBe('queue work: no group limits\n');
    });

    it('sets and removes the per-group rate limit; a malformed or bad one writes nothing', async () => {
      await q.ready();
      const set = await cli('group-limits', 'work', '--rate', '5/1m');
      expect(set).toMatchObject({ code: 0, stdout: 'queue work: groups: at most 5 starts per 1m 0s each\n' });
      expect((await q.getConfig()).groupRateLimit).toEqual({ max: 5, intervalMs: 60_000 });
      expect(JSON.parse((await cli('groups', 'work', '--json')).stdout)).toMatchObject({ groupRateLimit: { max: 5, intervalMs: 60_000 } });
      const malformed = await cli('group-limits', 'work', '--rate', '5');
      expect([malformed.code, malformed.stderr]).toEqual([2, expect.stringMatching(/\(at rate\)\n$/)]);
      const zero = await cli('group-limits', 'work', '--rate', '0/1m');
      expect([zero.code, zero.stderr]).toEqual([2, expect.stringMatching(/\(at groupRateLimit\.max\)\n$/)]);
      expect((await q.getConfig()).groupRateLimit).toEqual({ max: 5, intervalMs: 60_000 });
      expect((await cli('group-limits', 'work', '--rate', 'off')).stdout).toBe('queue work: no group limits\n');
    });

    it('gives a group a weight, lists the groups, and resets it; a bad weight writes nothing', async () => {
      const set = await cli('group-set', 'work', 'premium', '--weight', '3');
      expect(set).toMatchObject({ code: 0, stdout: 'queue work: group premium takes 3 jobs per round\n' });
      expect(await q.listGroupSettings()).toEqual([{ group: 'premium', weight: 3 }]);
      const listed = await cli('groups', 'work');
      expect(listed.stdout).toContain('premium');
      expect(listed.stdout).toMatch(/group\s+ready\s+scheduled\s+running\s+weight\npremium\s+0\s+0\s+0\s+3\n/);
      const added = await q.addBulk([
        { payload: { n: 1 }, options: { group: 'basic' } },
        { payload: { n: 2 }, options: { group: 'basic', delayMs: 60_000 } },
      ]);
      const page = await cli('groups', 'work', '--limit', '1');
      expect(page.stdout).toMatch(/\nbasic\s+1\s+1\s+0\s+1\nmore: waitline groups 'work' --after 'basic'\n$/);
      expect((await cli('groups', 'work', '--after', 'basic')).stdout).toMatch(/\npremium\s+0\s+0\s+0\s+3\n$/);
      for (const job of added) await q.cancel(job.id);
      const bad = await cli('group-set', 'work', 'premium', '--weight', '0');
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/\(at settings\.weight\)/);
      expect((await cli('group-set', 'work', 'premium')).code).toBe(2);
      expect(JSON.parse((await cli('group-set', 'work', 'premium', '--reset', '--json')).stdout)).toEqual({ group: 'premium', weight: 1 });
      expect(JSON.parse((await cli('groups', 'work', '--json')).stdout)).toMatchObject({ groups: [] });
    });

    it("prints a job's own texts escaped: an error message's newlines and terminal escapes stay text", async () => {
      // What an upstream service's error body may hold: a newline, a title change (OSC), a colour.
      const message = 'upstream said \u001b]0;pwned\u0007\u001b[31mred\nsecond line';
      const job = await q.add({ n: 11 }, { name: 'job\u001b[2J', group: 'g\u2028h' });
      const [claimed] = await db.storage.claim({ queue: 'work', workerId: 'w1', limit: 1, leaseMs: 60_000, now: Date.now() });
      expect(claimed?.id).toBe(job.id);
      const error = { name: 'Error', message, attempt: 1, at: Date.now() };
      await db.storage.settle({
        queue: 'work',
        now: Date.now(),
        completed: [],
        failed: [{ id: job.id, leaseToken: claimed!.leaseToken!, error, retryAt: null }],
      });
      const list = await cli('list', 'work', '--state', 'failed');
      const shown = await cli('show', 'work', job.id);
      for (const out of [list.stdout, shown.stdout]) {
        for (const raw of ['\u0007', '\u001b', '\u2028']) expect(out).not.toContain(raw);
        expect(out).toContain('upstream said \\u001b]0;pwned\\u0007\\u001b[31mred\\nsecond line');
      }
      // One header and one row: the message's newline did not start a line of its own.
      expect(list.stdout.trimEnd().split('\n')).toHaveLength(2);
      expect(shown.stdout).toContain('work/job\\u001b[2J');
      expect(shown.stdout).toContain('group g\\u2028h');
      await db.storage.removeJobs({ queue: 'work', states: ['failed'], limit: 1_000 });
    });

    it('fails with one error line: 1 for a missing queue or job or a refused transition, 2 for usage', async () => {
      const missingQueue = await cli('stats', 'nope');
      expect(missingQueue).toMatchObject({ code: 1, stdout: '' });
      expect(missingQueue.stderr.trim()).toBe('error QUEUE_NOT_FOUND: no queue named "nope" in this storage (at queue)');
      expect(await q.storage.getQueue('nope')).toBeNull();
      const missingJob = await cli('cancel', 'work', 'j_missing');
      expect(missingJob.code).toBe(1);
      expect(missingJob.stderr).toMatch(/^error JOB_NOT_FOUND: .* \(at id\)\n$/);
      const job = await q.add({ n: 6 });
      await q.cancel(job.id);
      const before = (await q.getJob(job.id))!.priority;
      const refused = await cli('priority', 'work', job.id, '5');
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/^error INVALID_TRANSITION: /);
      const badPriority = await cli('priority', 'work', job.id, 'high');
      expect(badPriority.code).toBe(2);
      expect(badPriority.stderr).toContain('(at priority)');
      const badState = await cli('list', 'work', '--state', 'done');
      expect(badState).toMatchObject({ code: 2 });
      expect(badState.stderr).toMatch(/^error VALIDATION: .*\(at state\)/);
      const badDuration = await cli('clean', 'work', '--state', 'completed', '--older-than', 'two days');
      expect(badDuration.code).toBe(2);
      expect((await cli('list')).code).toBe(2);
      expect((await waitline(['bogus'])).code).toBe(2);
      expect((await q.getJob(job.id))?.priority).toBe(before);
    });
  });
}

describe('waitline without a usable storage', () => {
  it('says how to name one (exit 2), and refuses an unknown scheme', async () => {
    const none = await waitline(['stats', 'work'], { WAITLINE_STORAGE: '' });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^error VALIDATION: .*give --storage.*\(at storage\)/);
    const ftp = await waitline(['--storage', 'ftp://x', 'stats', 'work']);
    expect(ftp.code).toBe(2);
    expect(ftp.stderr).toContain('unknown scheme');
  });

  it('refuses a database that was never migrated (it never migrates)', async () => {
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { writeFileSync } = await import('node:fs');
    const path = join(mkdtempSync(join(tmpdir(), 'wl-cli-')), 'empty.db');
    writeFileSync(path, '');
    const result = await waitline(['--storage', `sqlite:${path}`, 'stats', 'work']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error SCHEMA_VERSION: .*from the CLI: .*give --migrate to import or move/);
    const again = await waitline(['--storage', `sqlite:${path}`, 'stats', 'work']);
    expect(again.stderr).toMatch(/^error SCHEMA_VERSION: /);
  });

  it('refuses a missing SQLite file without creating it, and sqlite://./x, which names the root', async () => {
    const { existsSync, mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const path = join(mkdtempSync(join(tmpdir(), 'wl-cli-')), 'typo.db');
    const missing = await waitline(['--storage', `sqlite:${path}`, 'stats', 'work']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^error VALIDATION: .*no such file.*\(at storage\)/);
    expect(existsSync(path)).toBe(false);
    const rooted = await waitline(['--storage', 'sqlite://./wl-cli-rooted.db', 'stats', 'work']);
    expect(rooted.code).toBe(2);
    expect(rooted.stderr).toContain('sqlite:///abs/jobs.db');
    expect(existsSync('/wl-cli-rooted.db')).toBe(false);
  });

  it('a redis:// address where another kind of server answers is STORAGE_UNAVAILABLE (exit 1), saying what to check', async () => {
    const { createServer } = await import('node:net');
    // What an HTTP server (a proxy, a dashboard's port) answers to Redis's first command.
    const server = createServer((socket) => socket.on('error', () => undefined).end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as { port: number };
      const result = await waitline(['--storage', `redis://127.0.0.1:${port}`, 'stats']);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^error STORAGE_UNAVAILABLE: Redis storage .* does not answer as Redis does: check the host and port/);
      expect(result.stderr).not.toMatch(/INTERNAL|report this/);
    } finally {
      server.close();
    }
  });

  it('never prints a password, however the location is malformed', async () => {
    for (const location of [
      'redis://:S3cretPw@127.0.0.1:6379/abc',
      'rediss://:S3cretPw@cache.example.com:6380/abc',
      'mysql://root:S3cretPw@db/app',
      'postgres://app:S3cret#Pw@127.0.0.1:5432/test',
      'redis://:50%S3cretPw@127.0.0.1:6379',
      // A '#', '/' or '?' in the password ends the host part early: refused, not read as a path.
      'postgres://app:#S3cretPw@127.0.0.1:5432/test',
      'postgres://postgres:123/S3cretPw@127.0.0.1:5432/test',
      'redis://u:123?S3cretPw@127.0.0.1:6379',
    ]) {
      const result = await waitline(['--storage', location, 'stats', 'work']);
      expect([location, result.code]).toEqual([location, 2]);
      expect(result.stderr).toMatch(/^error VALIDATION: .*\*\*\*.*\(at storage\)/);
      expect(result.stderr).not.toContain('S3cret');
      const doctor = await waitline(['--storage', location, 'doctor', '--json']);
      expect(`${doctor.stdout}${doctor.stderr}`).not.toContain('S3cret');
    }
  });
});
