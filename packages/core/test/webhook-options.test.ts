/**
 * The `webhook` option of a job and of a queue: what validation refuses (at the offending path,
 * before anything reaches the storage) and how the queue default, a job's own option and `null`
 * resolve into the subscription stored with the job. Storing it is checked on every storage by the
 * contract's webhook-field area, delivery by its webhook-delivery area.
 */
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../src/errors.js';
import { Queue } from '../src/queue.js';
import type { EnqueueParams } from '../src/storage.js';
import type { WebhookOptions } from '../src/webhooks/subscription.js';
import { recordingStorage } from './recording-storage.js';

const clock = { now: () => 1_700_000_000_000 };
const stored = (calls: Array<{ method: string; params: unknown }>) =>
  calls.filter((c) => c.method === 'enqueue').flatMap((c) => (c.params as EnqueueParams).jobs.map((j) => j.webhook));

const BAD: Array<[string, unknown, Array<string | number>]> = [
  ['a relative URL', { url: '/hook' }, ['url']],
  ['a URL that does not parse', { url: 'http://' }, ['url']],
  ['an ftp: URL', { url: 'ftp://example.test/hook' }, ['url']],
  ['a file: URL', { url: 'file:///etc/passwd' }, ['url']],
  ['a javascript: URL', { url: 'javascript:alert(1)' }, ['url']],
  ['a URL with credentials', { url: 'https://user:pw@example.test/hook' }, ['url']],
  ['a URL with NUL', { url: 'https://example.test/\u0000' }, ['url']],
  ['a URL of 2049 characters', { url: `https://example.test/${'x'.repeat(2029)}` }, ['url']],
  ['no URL', {}, ['url']],
  ['a number as URL', { url: 42 }, ['url']],
  ['an unknown event', { url: 'https://example.test/', events: ['started'] }, ['events', 0]],
  ['no events', { url: 'https://example.test/', events: [] }, ['events']],
  ['an empty token', { url: 'https://example.test/', token: '' }, ['token']],
  ['a token with a newline', { url: 'https://example.test/', token: 'a\r\nX-Evil: 1' }, ['token']],
  ['a token with a space', { url: 'https://example.test/', token: 'a b' }, ['token']],
  ['includePayload not a boolean', { url: 'https://example.test/', includePayload: 'yes' }, ['includePayload']],
  ['a negative progress interval', { url: 'https://example.test/', progressIntervalMs: -1 }, ['progressIntervalMs']],
  ['an unknown field', { url: 'https://example.test/', secret: 's' }, []],
  ['a string', 'https://example.test/', []],
];

describe('the webhook option', () => {
  it.each(BAD)('refuses %s on add, in a bulk entry and as a queue default, writing nothing', async (_what, webhook, path) => {
    const rec = recordingStorage();
    const q = new Queue(rec.storage, 'q', { clock });
    const single = await q.add({}, { webhook: webhook as WebhookOptions }).catch((e: unknown) => e);
    expect(single).toBeInstanceOf(ValidationError);
    expect((single as ValidationError).path).toEqual(['options', 'webhook', ...path]);
    const bulk = await q.addBulk([{ payload: {} }, { payload: {}, options: { webhook: webhook as WebhookOptions } }]).catch((e: unknown) => e);
    expect((bulk as ValidationError).path).toEqual(['jobs', 1, 'options', 'webhook', ...path]);
    expect(() => new Queue(rec.storage, 'q2', { webhook: webhook as WebhookOptions })).toThrow(ValidationError);
    expect(rec.calls).toEqual([]);
  });

  it('accepts http and https URLs, with ports, paths, queries and IPv6 hosts', () => {
    const q = new Queue(recordingStorage().storage, 'q', { clock });
    for (const url of ['http://127.0.0.1:8080/a?b=c', 'https://example.test', 'HTTPS://EXAMPLE.TEST/Up', 'http://[::1]:9/x']) {
      expect(() => new Queue(q.storage, 'q', { webhook: { url } })).not.toThrow();
    }
  });

  it('resolves the queue default, a job override and null, with every default filled in', async () => {
    const rec = recordingStorage();
    const q = new Queue(rec.storage, 'q', { clock, webhook: { url: 'https://default.test/', token: 'tok' } });
    await q.addBulk([
      { payload: {} },
      { payload: {}, options: { webhook: { url: 'http://own.test/', events: ['failed', 'completed', 'failed'], includePayload: true, progressIntervalMs: 0 } } },
      { payload: {}, options: { webhook: null } },
    ]);
    await new Queue(rec.storage, 'plain', { clock }).add({});
    expect(stored(rec.calls)).toEqual([
      { url: 'https://default.test/', events: ['progress', 'completed', 'failed', 'cancelled'], token: 'tok', includePayload: false, progressIntervalMs: 5_000 },
      { url: 'http://own.test/', events: ['completed', 'failed'], token: null, includePayload: true, progressIntervalMs: 0 },
      null,
      null,
    ]);
  });
});
