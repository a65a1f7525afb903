/**
 * The `--groups` story on a real SQLite queue and a real Worker with one slot: Alice submits five
 * meetings, then Bob one. Bob's meeting is #2 on submit and starts third, before Alice's last
 * three: the queue takes users in turns. The worker is running before the first add, and the first
 * meeting holds until Bob has submitted, so the story does not depend on timing.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from '@waitline/core';
import { SqliteStorage } from '@waitline/sqlite';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type MeetingResult, transcribeQueue } from '../src/pipeline.js';
import { checkScenario, groupMeetings, Users } from '../src/scenario.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'waitline-groups-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

it('runs alice, alice, bob, alice, alice, alice: Bob is #2 on submit, not #5', { timeout: 30_000 }, async () => {
  const storage = await SqliteStorage.open({ path: join(dir, 'jobs.db') });
  const queue = transcribeQueue(storage, 1);
  const plans = groupMeetings();
  const users = new Users(queue, plans, new Map(plans.map((p) => [p.meetingId, `/nowhere/${p.meetingId}.wav`])), { speed: 1, log: () => {} });
  const bobSubmitted = () => users.tracked.some((t) => t.plan.user === 'bob' && t.positionWhenAdded !== null);
  const starts: string[] = [];
  const worker = new Worker(
    queue,
    async (job): Promise<MeetingResult> => {
      const { meetingId, audioSeconds } = job.payload;
      starts.push(meetingId);
      while (meetingId === 'm-1' && !bobSubmitted()) await new Promise((r) => setTimeout(r, 10));
      // Start times are in ms: a few ms of work keeps each start apart from the next.
      await new Promise((r) => setTimeout(r, 5));
      const speakers = plans.find((p) => p.meetingId === meetingId)?.voices.length ?? 0;
      return { meetingId, transcriber: 'instant', audioSeconds, speechSeconds: 0, speakers, segments: 0, transcript: [] };
    },
    { concurrency: 1 },
  );
  // Registered and claiming before the first meeting is added: a worker still booting when Bob
  // submits (700 ms in, on a loaded machine) would find both users waiting and serve Bob first.
  await worker.start();
  let failure: unknown = null;
  users.start((err) => {
    failure = err;
  });
  while (!users.allFinal() && failure === null) {
    await users.poll();
    await new Promise((r) => setTimeout(r, 20));
  }
  await worker.close();
  await storage.close();
  expect(failure).toBeNull();
  expect(starts).toEqual(['m-1', 'm-2', 'm-6', 'm-3', 'm-4', 'm-5']);
  const checks = checkScenario(users.tracked);
  expect(checks.filter((c) => !c.ok)).toEqual([]);
  expect(checks.map((c) => c.text)).toContain('m-6 (bob): #2 on submit, started before 3 of m-3, m-4, m-5 by taking turns');
});
