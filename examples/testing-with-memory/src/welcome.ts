/**
 * A small app's use of Waitline: a signup sends a welcome email through a queue, retried a minute
 * later when the mail service fails. The storage and the mailer are passed in, so a test gives it
 * a `MemoryStorage` and a recording mailer (see `test/welcome.test.ts` and docs/testing.md).
 */
import { Queue, type Storage, Worker, type WorkerOptions } from '@waitline/core';

/** The app's mail service. */
export interface Mailer {
  send(to: string, subject: string, body: string): Promise<void>;
}

/** What a welcome job carries. */
export interface WelcomePayload {
  email: string;
  name: string;
}

/** The queue of welcome emails: three attempts, a minute apart. */
export function welcomeQueue(storage: Storage): Queue<WelcomePayload, { sentTo: string }> {
  return new Queue(storage, 'welcome-emails', { retry: { attempts: 3, backoff: { kind: 'fixed', delayMs: 60_000 } } });
}

/** What the signup route calls: one welcome email per address, however often the form is sent. */
export function signUp(queue: Queue<WelcomePayload, { sentTo: string }>, user: WelcomePayload) {
  return queue.add(user, { idempotencyKey: `welcome:${user.email}` });
}

/** The worker that sends them. */
export function welcomeWorker(queue: Queue<WelcomePayload, { sentTo: string }>, mailer: Mailer, options?: WorkerOptions) {
  return new Worker(
    queue,
    async (job) => {
      await mailer.send(job.payload.email, 'Welcome!', `Hello ${job.payload.name}, welcome aboard.`);
      return { sentTo: job.payload.email };
    },
    options,
  );
}
