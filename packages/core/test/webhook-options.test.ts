/**
 * The `webhook` option of a job and of a queue: what validation refuses (at the offending path,
 * before anything reaches the storage) and how the queue default, a job's own option and `null`
 * resolve into the subscription stored with the job. Storing it is checked on every storage by the
 * contract's webhook-field area, delivery by its webhook-delivery area. Also: signing and checking
 * signatures, and the delivery worker's options.
 */
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../src/errors.js';
import { Queue } from '../src/queue.js';
import type { EnqueueParams } from '../src/storage.js';
import { MASKED_SECRET, maskJobSecrets, WEBHOOK_QUEUE } from '../src/webhooks/body.js';
import { startWebhookDelivery, type WebhookDeliveryOptions } from '../src/webhooks/delivery.js';
import { signWebhook, verifyWebhookSignature } from '../src/webhooks/signature.js';
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
      {
        payload: {},
        options: { webhook: { url: 'http://own.test/', events: ['failed', 'completed', 'failed'], includePayload: true, progressIntervalMs: 0 } },
      },
      { payload: {}, options: { webhook: null } },
    ]);
    await new Queue(rec.storage, 'plain', { clock }).add({});
    expect(stored(rec.calls)).toEqual([
      {
        url: 'https://default.test/',
        events: ['progress', 'completed', 'failed', 'cancelled'],
        token: 'tok',
        includePayload: false,
        progressIntervalMs: 5_000,
      },
      { url: 'http://own.test/', events: ['completed', 'failed'], token: null, includePayload: true, progressIntervalMs: 0 },
      null,
      null,
    ]);
  });
});

describe('webhook signatures', () => {
  const secret = 'a-secret-of-enough-length';
  const body = '{"event":"completed","jobId":"j1"}';
  const t = 1_700_000_000_000;

  it('verifies its own signature within the tolerance, as text or bytes', () => {
    const header = signWebhook(secret, t, body);
    expect(header).toMatch(/^t=1700000000000,v1=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature({ secret, header, body, now: t })).toBe(true);
    expect(verifyWebhookSignature({ secret, header, body: Buffer.from(body), now: t + 299_999 })).toBe(true);
    expect(verifyWebhookSignature({ secret, header, body, now: t - 299_999 })).toBe(true);
    expect(verifyWebhookSignature({ secret, header, body, now: t + 1_000, toleranceMs: 10_000 })).toBe(true);
  });

  it('refuses a changed body, another secret, an old or future time, a moved timestamp and malformed headers', () => {
    const header = signWebhook(secret, t, body);
    const v1 = header.split('v1=')[1] as string;
    expect(verifyWebhookSignature({ secret, header, body: `${body} `, now: t })).toBe(false);
    expect(verifyWebhookSignature({ secret: `${secret}!`, header, body, now: t })).toBe(false);
    expect(verifyWebhookSignature({ secret, header, body, now: t + 300_001 })).toBe(false);
    expect(verifyWebhookSignature({ secret, header, body, now: t - 300_001 })).toBe(false);
    expect(verifyWebhookSignature({ secret, header: `t=${t + 1},v1=${v1}`, body, now: t })).toBe(false);
    for (const bad of [undefined, null, '', 'garbage', `t=${t}`, `v1=${v1}`, `t=x,v1=${v1}`, `t=${t},v1=${v1.slice(2)}`, `t=${t},v1=${v1.toUpperCase()}`]) {
      expect(verifyWebhookSignature({ secret, header: bad, body, now: t })).toBe(false);
    }
    expect(verifyWebhookSignature({ secret: '', header, body, now: t })).toBe(false);
    // A tolerance or clock that is not a number (an unset environment variable) refuses every signature.
    for (const toleranceMs of [Number.NaN, -1, Number(undefined)]) expect(verifyWebhookSignature({ secret, header, body, now: t, toleranceMs })).toBe(false);
    expect(verifyWebhookSignature({ secret, header, body, now: Number.NaN })).toBe(false);
    expect(verifyWebhookSignature({ secret, header, body, now: t, toleranceMs: Number.POSITIVE_INFINITY })).toBe(true);
  });

  it('accepts any matching v1 among several (a secret rotation)', () => {
    const good = signWebhook(secret, t, body).split('v1=')[1] as string;
    const other = signWebhook('another-secret-entirely', t, body).split('v1=')[1] as string;
    expect(verifyWebhookSignature({ secret, header: `t=${t},v1=${other},v1=${good}`, body, now: t })).toBe(true);
  });
});

describe('maskJobSecrets', () => {
  const webhook = {
    url: 'https://hooks.example.test/x',
    token: 'secret-token',
    events: ['completed' as const],
    includePayload: false,
    progressIntervalMs: 1_000,
  };
  it("masks the bearer token in a job's webhook and in a delivery job's payload, and nowhere else", () => {
    const job = { queue: 'work', payload: { token: 'the app’s own field' }, webhook };
    expect(maskJobSecrets(job)).toEqual({ ...job, webhook: { ...webhook, token: MASKED_SECRET } });
    expect(job.webhook.token).toBe('secret-token');
    const delivery = { queue: WEBHOOK_QUEUE, payload: { url: webhook.url, token: 'secret-token', event: 'completed', body: {} }, webhook: null };
    expect(maskJobSecrets(delivery)).toEqual({ ...delivery, payload: { ...delivery.payload, token: MASKED_SECRET } });
    const tokenless = { ...delivery, payload: { ...delivery.payload, token: null } };
    expect(maskJobSecrets(tokenless)).toBe(tokenless);
  });
});

describe('startWebhookDelivery options', () => {
  it.each<[string, unknown, Array<string | number>]>([
    ['no secret', {}, ['options', 'secret']],
    ['a short secret', { secret: 'short' }, ['options', 'secret']],
    ['0 attempts', { secret: 'x'.repeat(16), attempts: 0 }, ['options', 'attempts']],
    ['101 attempts', { secret: 'x'.repeat(16), attempts: 101 }, ['options', 'attempts']],
    ['a zero timeout', { secret: 'x'.repeat(16), timeoutMs: 0 }, ['options', 'timeoutMs']],
    ['a custom backoff', { secret: 'x'.repeat(16), backoff: { kind: 'custom', delay: () => 1 } }, ['options', 'backoff', 'kind']],
    ['an unknown option', { secret: 'x'.repeat(16), retries: 3 }, ['options']],
    ['a bad worker option', { secret: 'x'.repeat(16), worker: { leaseMs: -1 } }, ['options', 'worker', 'leaseMs']],
    ['worker options that are not an object', { secret: 'x'.repeat(16), worker: 5 }, ['options', 'worker']],
    ['a concurrency among the worker options', { secret: 'x'.repeat(16), worker: { concurrency: 50 } }, ['options', 'worker', 'concurrency']],
    ['autostart among the worker options', { secret: 'x'.repeat(16), worker: { autostart: false } }, ['options', 'worker', 'autostart']],
  ])('refuses %s with a ValidationError at its path, starting nothing', (_what, options, path) => {
    const rec = recordingStorage();
    const err = (() => {
      try {
        startWebhookDelivery(rec.storage, options as WebhookDeliveryOptions);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).path).toEqual(path);
    expect(rec.calls).toEqual([]);
  });
});
