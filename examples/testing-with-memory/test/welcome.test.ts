/**
 * Testing an app's queue with MemoryStorage: no database, no server, and time moved by hand.
 * docs/testing.md walks through this file.
 */
import { ManualClock, MemoryStorage, recordTransitions, type Worker } from '@waitline/core';
import { afterEach, describe, expect, it } from 'vitest';
import { type Mailer, signUp, type WelcomePayload, welcomeQueue, welcomeWorker } from '../src/welcome.js';

/** A mailer that records what it sends and fails the next `failures` sends. */
function fakeMailer(failures = 0): Mailer & { sent: string[] } {
  const sent: string[] = [];
  return {
    sent,
    async send(to) {
      if (failures > 0) {
        failures -= 1;
        throw new Error('mail service unavailable');
      }
      sent.push(to);
    },
  };
}

let worker: Worker<WelcomePayload, { sentTo: string }> | undefined;
afterEach(() => worker?.close());

describe('welcome emails', () => {
  it('sends one email per address, even when the form is sent twice', async () => {
    const storage = await MemoryStorage.open();
    const queue = welcomeQueue(storage);
    const mailer = fakeMailer();
    worker = welcomeWorker(queue, mailer);

    const first = await signUp(queue, { email: 'ada@example.com', name: 'Ada' });
    const again = await signUp(queue, { email: 'ada@example.com', name: 'Ada' });

    expect(again.id).toBe(first.id);
    await expect(first.finished()).resolves.toEqual({ sentTo: 'ada@example.com' });
    expect(mailer.sent).toEqual(['ada@example.com']);
  });

  it('retries a failed send a minute later, on the test clock', async () => {
    const clock = new ManualClock();
    const storage = await MemoryStorage.open({ clock });
    const recorder = recordTransitions(storage);
    const queue = welcomeQueue(recorder.storage);
    const mailer = fakeMailer(1);
    // A short poll: after the clock moves, the worker looks for due jobs within 10 ms.
    worker = welcomeWorker(queue, mailer, { pollIntervalMs: 10 });

    const job = await signUp(queue, { email: 'grace@example.com', name: 'Grace' });
    await expect.poll(async () => (await job.status()).error?.message, { timeout: 5_000 }).toBe('mail service unavailable');
    expect(await job.status()).toMatchObject({ state: 'queued', scheduled: true, attempt: 1 });

    clock.advance(60_000);
    await expect(job.finished()).resolves.toEqual({ sentTo: 'grace@example.com' });
    expect(mailer.sent).toEqual(['grace@example.com']);
    expect(recorder.history(job.id)).toEqual(['queued', 'running', 'queued', 'running', 'completed']);
    recorder.assertValid();
  });
});
