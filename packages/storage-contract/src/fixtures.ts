/**
 * Helpers shared by the contract areas: a storage per test, job builders, settle shortcuts and
 * typed-error assertions. Every time is passed explicitly, counted from {@link T0}; nothing here
 * reads the wall clock, so a test's outcome never depends on how fast the machine is.
 * @internal
 */
import { randomUUID } from 'node:crypto';
import {
  compareJobOrder,
  type JobErrorInfo,
  type JobRecord,
  type JobRef,
  type JobState,
  type NewJob,
  type PositionInputs,
  type QueueConfig,
  type Storage,
  type WaitlineErrorCode,
} from '@waitline/core';
import { afterEach, beforeEach, expect } from 'vitest';
import type { StorageHarness } from './harness.js';

/** The fake time base every test counts from. */
export const T0 = 1_700_000_000_000;
/** The queue a test uses unless it needs several. */
export const QUEUE = 'q';
/** A lease long enough never to expire unless a test moves `now` past it on purpose. */
export const LEASE_MS = 30_000;
/** The worker id a test claims with unless it needs several. */
export const WORKER = 'worker-1';

/** A `NewJob` with fresh ids and plain defaults: ready at {@link T0}, normal priority, 3 attempts. */
export function newJob(overrides: Partial<NewJob> = {}): NewJob {
  return {
    id: randomUUID(),
    name: 'job',
    payload: { n: 1 },
    priority: 2,
    runAt: T0,
    maxAttempts: 3,
    backoff: null,
    timeoutMs: null,
    size: null,
    idempotencyKey: null,
    traceparent: null,
    webhook: null,
    group: null,
    ...overrides,
  };
}

/**
 * Gives each test of the enclosing `describe` its own storage from `harness.create()`, closed
 * after the test. Call the returned function inside a test.
 */
export function useStorage(harness: StorageHarness): () => Storage {
  let current: Storage | null = null;
  beforeEach(async () => {
    current = await harness.create();
  });
  afterEach(async () => {
    const storage = current;
    current = null;
    await storage?.close();
  });
  return () => {
    if (!current) throw new Error('useStorage: the storage exists only while a test runs');
    return current;
  };
}

/** mulberry32: a seeded generator of numbers in [0, 1), so a randomised test repeats its sequence. */
export function seededRandom(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Creates (or updates) a queue; `name` defaults to {@link QUEUE}. */
export function addQueue(s: Storage, config: Partial<QueueConfig> = {}, now: number = T0): Promise<QueueConfig> {
  return s.upsertQueue({ name: QUEUE, ...config, now });
}

/** Where and when a helper acts: defaults are {@link QUEUE} and {@link T0}. */
export interface At {
  queue?: string | undefined;
  now?: number;
}

/** Enqueues one batch, jobs ready at `now` unless they say otherwise, and checks all were inserted. */
export async function addMany(s: Storage, list: Array<Partial<NewJob>>, at: At = {}): Promise<JobRecord[]> {
  const now = at.now ?? T0;
  const jobs = list.map((overrides) => newJob({ runAt: now, ...overrides }));
  const result = await s.enqueue({ queue: at.queue ?? QUEUE, jobs, now });
  expect(result.inserted).toEqual(jobs.map(() => true));
  expect(result.jobs.map((j) => j.id)).toEqual(jobs.map((j) => j.id));
  return result.jobs;
}

/** Enqueues one job, ready at `now` unless it says otherwise. */
export async function add(s: Storage, overrides: Partial<NewJob> = {}, at: At = {}): Promise<JobRecord> {
  return only(await addMany(s, [overrides], at));
}

/** What a claim helper passes; every field has a default. */
export interface ClaimOptions extends At {
  workerId?: string | undefined;
  leaseMs?: number;
  limit?: number;
}

/** `storage.claim` with defaults filled in. */
export function claim(s: Storage, o: ClaimOptions = {}): Promise<JobRecord[]> {
  return s.claim({
    queue: o.queue ?? QUEUE,
    workerId: o.workerId ?? WORKER,
    limit: o.limit ?? 1,
    leaseMs: o.leaseMs ?? LEASE_MS,
    now: o.now ?? T0,
  });
}

/** Claims exactly one job (fails the test otherwise) and returns it. */
export async function claimOne(s: Storage, o: ClaimOptions = {}): Promise<JobRecord> {
  return only(await claim(s, { ...o, limit: 1 }));
}

/** Claims one job at a time until none is handed out; returns them in claim order. */
export async function claimEach(s: Storage, o: ClaimOptions = {}, max = 1_000): Promise<JobRecord[]> {
  const claimed: JobRecord[] = [];
  for (let i = 0; i < max; i++) {
    const got = await claim(s, { ...o, limit: 1 });
    if (got.length === 0) return claimed;
    claimed.push(only(got));
  }
  throw new Error(`claimEach: still claiming after ${max} jobs`);
}

/** The error a failed attempt records. */
export function jobError(attempt: number, at: number, message = 'boom'): JobErrorInfo {
  return { name: 'Error', message, code: 'E_TEST', attempt, at };
}

function leaseOf(job: JobRecord): { id: string; leaseToken: string } {
  if (job.leaseToken === null) throw new Error(`job ${job.id} holds no lease`);
  return { id: job.id, leaseToken: job.leaseToken };
}

/** Completes a claimed job through `settle`, checks the guard held, and returns the stored record. */
export async function settleOk(s: Storage, job: JobRecord, now: number, result: unknown = { ok: true }): Promise<JobRecord> {
  const r = await s.settle({ queue: job.queue, now, completed: [{ ...leaseOf(job), result }] });
  expect(r.lost).toEqual([]);
  return only(r.settled);
}

/** Fails a claimed job's attempt through `settle` (retry at `retryAt`, dead-letter when null). */
export async function settleFail(
  s: Storage,
  job: JobRecord,
  now: number,
  retryAt: number | null,
  error: JobErrorInfo = jobError(job.attempt, now),
): Promise<JobRecord> {
  const r = await s.settle({ queue: job.queue, now, failed: [{ ...leaseOf(job), error, retryAt }] });
  expect(r.lost).toEqual([]);
  return only(r.settled);
}

/** Acknowledges a cancel request through `settle`. */
export async function settleCancelled(s: Storage, job: JobRecord, now: number, error: JobErrorInfo | null = null): Promise<JobRecord> {
  const r = await s.settle({ queue: job.queue, now, cancelled: [{ ...leaseOf(job), error }] });
  expect(r.lost).toEqual([]);
  return only(r.settled);
}

/** When a job is added, claimed and finished; the queue must hold no other ready job meanwhile. */
export interface FinishPlan extends At {
  overrides?: Partial<NewJob>;
  claimAt: number;
  finishAt: number;
  outcome: 'completed' | 'failed';
  workerId?: string;
}

/** Adds a job at `now`, claims it at `claimAt` and settles it at `finishAt`; returns the final record. */
export async function finishJob(s: Storage, plan: FinishPlan): Promise<JobRecord> {
  const job = await add(s, plan.overrides, plan);
  const claimed = await claimOne(s, { queue: plan.queue, now: plan.claimAt, workerId: plan.workerId });
  expect(claimed.id, 'finishJob: another ready job was claimed first').toBe(job.id);
  return plan.outcome === 'completed' ? settleOk(s, claimed, plan.finishAt) : settleFail(s, claimed, plan.finishAt, null);
}

/** Every job of a queue (in the given states), oldest `seq` first, read page by page. */
export async function listAll(s: Storage, queue: string = QUEUE, states?: JobState[]): Promise<JobRecord[]> {
  const all: JobRecord[] = [];
  let offset: number | null = 0;
  for (let pages = 0; offset !== null; pages++) {
    if (pages > 1_000) throw new Error('listAll: listJobs never returned a last page');
    const page = await s.listJobs({ queue, states, limit: 100, offset, order: 'asc' });
    all.push(...page.items);
    offset = page.nextOffset;
  }
  return all;
}

/** Ids, in order. */
export function ids(jobs: ReadonlyArray<{ id: string }>): string[] {
  return jobs.map((j) => j.id);
}

/** A copy sorted by the ordering rule from core. */
export function sortByOrder<T extends JobRecord>(jobs: readonly T[]): T[] {
  return [...jobs].sort(compareJobOrder);
}

/** The one element of a list; fails the test when there are none or several. */
export function only<T>(items: readonly T[]): T {
  expect(items).toHaveLength(1);
  return items[0] as T;
}

/** The element at `index`; fails the test when the list is too short. */
export function nth<T>(items: readonly T[], index: number): T {
  expect(items.length).toBeGreaterThan(index);
  return items[index] as T;
}

/**
 * Awaits `work` and checks it rejected with an instance of `type` carrying `code`; returns the error
 * so a test can check its fields.
 */
export async function expectError<E extends Error>(work: Promise<unknown>, type: abstract new (...args: never[]) => E, code: WaitlineErrorCode): Promise<E> {
  let caught: unknown;
  let resolved = false;
  try {
    await work;
    resolved = true;
  } catch (err) {
    caught = err;
  }
  expect(resolved, `expected a ${type.name} (${code}), but the call succeeded`).toBe(false);
  expect(caught).toBeInstanceOf(type);
  expect((caught as { code?: unknown }).code).toBe(code);
  return caught as E;
}

/**
 * Re-reads a job, failing the test when it is gone: given a record (or ref), from its own queue;
 * given an id, from `queue`.
 */
export async function reread(s: Storage, job: string | JobRef, queue = QUEUE): Promise<JobRecord> {
  const ref = typeof job === 'string' ? { queue, id: job } : { queue: job.queue, id: job.id };
  const stored = await s.getJob(ref);
  expect(stored, `job ${ref.id} of ${ref.queue} should exist`).not.toBeNull();
  return stored as JobRecord;
}

/**
 * `getPositionInputs` of `job` at `now`: no samples, up to ten jobs ahead listed and a hundred
 * grouped, `dueAheadLimit` scheduled jobs that outrank it (ten unless given).
 */
export function positionInputsAt(s: Storage, job: JobRecord, now: number, dueAheadLimit = 10): Promise<PositionInputs | null> {
  return s.getPositionInputs({
    queue: job.queue,
    id: job.id,
    now,
    sampleLimit: 0,
    aheadListLimit: 10,
    aheadWorkLimit: 100,
    dueAheadLimit,
    workerStaleMs: 60_000,
  });
}
