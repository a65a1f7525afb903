/**
 * The one place where Redis replies become core records: a job hash (a script's `JobHash`, or a
 * client HGETALL's object) becomes a `JobRecord`, JSON fields are parsed, absent fields are null.
 * @module
 * @internal
 */
import {
  DEFAULT_MAX_STALLS,
  type DueAhead,
  type FinishedSample,
  type JobRecord,
  type JobState,
  type KeptSample,
  mergeRecentSamples,
  type QueueConfig,
  type QueueRateLimit,
  rateLimitField,
  type RunningSample,
  type WorkerInfo,
} from '@waitline/core';
import type { FinishedSampleRow, JobHash, RunningSampleRow } from './replies.js';

/** HGETALL's field/value array as a map. @internal */
export function fieldMap(fields: readonly unknown[]): Map<string, string> {
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) map.set(String(fields[i]), String(fields[i + 1]));
  return map;
}

function num(value: string | undefined | null): number | null {
  return value === undefined || value === null || value === '' ? null : Number(value);
}

/**
 * A script's flat list of jobs ahead, `name, size` per job (size '' when the job has none), as
 * core's list: what position-inputs.lua and the grouped position reads reply. @internal
 */
export function toNamedSizes(flat: ReadonlyArray<string | number>): Array<{ name: string; size: number | null }> {
  const jobs: Array<{ name: string; size: number | null }> = [];
  for (let i = 0; i + 1 < flat.length; i += 2) jobs.push({ name: String(flat[i]), size: num(String(flat[i + 1])) });
  return jobs;
}

/** position-inputs.lua's flat `dueAhead`, `name, size or '', runAt` per job, as core's list. @internal */
export function toDueAhead(flat: readonly string[]): DueAhead[] {
  const jobs: DueAhead[] = [];
  for (let i = 0; i + 2 < flat.length; i += 3) jobs.push({ name: String(flat[i]), size: num(flat[i + 1]), runAt: Number(flat[i + 2]) });
  return jobs;
}

function json(value: string | undefined): unknown {
  return value === undefined ? null : JSON.parse(value);
}

/** A job hash's fields, each the stored string. @internal */
export type JobFields = Readonly<Record<string, string>>;

/** A script's job (see `JobHash`) as its fields, each the stored string. */
function jobFields(hash: JobHash): JobFields {
  const fields = JSON.parse(hash[0]) as Record<string, string>;
  for (let i = 1; i + 1 < hash.length; i += 2) fields[hash[i] as string] = hash[i + 1] as string;
  return fields;
}

/** A script's job (see `JobHash`) or a client HGETALL's object as a record of `queue`. @internal */
export function toJobRecord(queue: string, hash: JobHash | JobFields): JobRecord {
  const fields = Array.isArray(hash) ? jobFields(hash) : (hash as JobFields);
  // Every name read below is a job field, none an Object.prototype member.
  const get = (name: string): string | undefined => fields[name];
  const req = (name: string): string => {
    const v = get(name);
    if (v === undefined) throw new Error(`Redis job hash lacks field "${name}" (id ${get('id')})`);
    return v;
  };
  return {
    id: req('id'),
    queue,
    name: req('name'),
    payload: JSON.parse(req('payload')),
    state: req('state') as JobState,
    priority: Number(req('priority')),
    runAt: Number(req('runAt')),
    seq: Number(req('seq')),
    attempt: Number(req('attempt')),
    maxAttempts: Number(req('maxAttempts')),
    stalls: num(get('stalls')) ?? 0,
    backoff: json(get('backoff')) as JobRecord['backoff'],
    timeoutMs: num(get('timeoutMs')),
    size: num(get('size')),
    idempotencyKey: get('idempotencyKey') ?? null,
    createdAt: Number(req('createdAt')),
    startedAt: num(get('startedAt')),
    finishedAt: num(get('finishedAt')),
    leaseToken: get('leaseToken') ?? null,
    leaseExpiresAt: num(get('leaseExpiresAt')),
    workerId: get('workerId') ?? null,
    cancelRequested: get('cancelRequested') === '1',
    progress: json(get('progress')) as JobRecord['progress'],
    result: json(get('result')),
    error: json(get('error')) as JobRecord['error'],
    traceparent: get('traceparent') ?? null,
    webhook: json(get('webhook')) as JobRecord['webhook'],
    group: get('group') ?? null,
  };
}

/** A list of job hashes as records. @internal */
export function toJobRecords(queue: string, list: readonly JobHash[]): JobRecord[] {
  return list.map((fields) => toJobRecord(queue, fields));
}

/**
 * A config hash as the stored config of `name` (an empty hash, or a field absent, reads as the
 * defaults; `rateLimit`, `groupConcurrency`, `groupMaxWaiting` and `groupRateLimit` are left out
 * when unset). @internal
 */
export function toQueueConfig(name: string, fields: readonly unknown[]): QueueConfig {
  const f = fieldMap(fields);
  const groupConcurrency = num(f.get('groupConcurrency'));
  const groupMaxWaiting = num(f.get('groupMaxWaiting'));
  return {
    name,
    concurrency: num(f.get('concurrency')),
    maxSize: num(f.get('maxSize')),
    paused: f.get('paused') === '1',
    maxStalls: num(f.get('maxStalls')) ?? DEFAULT_MAX_STALLS,
    draining: f.get('draining') === '1',
    ...rateLimitField(num(f.get('rateMax')), num(f.get('rateIntervalMs'))),
    ...(groupConcurrency === null ? {} : { groupConcurrency }),
    ...(groupMaxWaiting === null ? {} : { groupMaxWaiting }),
    ...groupRateField(num(f.get('groupRateMax')), num(f.get('groupRateIntervalMs'))),
  };
}

/** The `groupRateLimit` field of a config read back from its two stored numbers: `{}` when either is absent. */
function groupRateField(max: number | null, intervalMs: number | null): { groupRateLimit?: QueueRateLimit } {
  const { rateLimit } = rateLimitField(max, intervalMs);
  return rateLimit === undefined ? {} : { groupRateLimit: rateLimit };
}

/** Running samples as lib/samples.lua returns them. @internal */
export function toRunningSamples(list: readonly RunningSampleRow[]): RunningSample[] {
  return list.map(([id, name, size, startedAt, progress]) => {
    const parsed = progress ? (JSON.parse(progress) as { percent?: number | null }) : null;
    return {
      id: String(id),
      name: String(name),
      size: num(size),
      startedAt: Number(startedAt),
      progressPercent: parsed?.percent ?? null,
    };
  });
}

/**
 * A finished job's sample fields, name, size, runAt, startedAt, finishedAt, seq, priority,
 * createdAt: as a script reads them (null when absent), or as lib/prune.lua kept them (JSON: false).
 */
type SampleFields = ReadonlyArray<string | false | null>;

/** The sample of one script row, or null for a job never started. */
function toKeptSample(state: FinishedSample['state'], f: SampleFields): KeptSample | null {
  const [name, size, runAt, startedAt, finishedAt, seq, priority, createdAt] = f;
  if (startedAt === null || startedAt === undefined || startedAt === false || finishedAt === null || finishedAt === undefined || finishedAt === false)
    return null;
  const times = { createdAt: Number(createdAt), runAt: Number(runAt), startedAt: Number(startedAt), finishedAt: Number(finishedAt) };
  return { name: String(name), state, priority: Number(priority), size: num(size === false ? null : size), ...times, seq: Number(seq) };
}

/**
 * The `limit` most recent finished samples of both states and the kept samples of pruned jobs
 * (members of the samples zset, see `lua/lib/prune.lua`), newest finish first (then newest seq),
 * jobs never started left out. @internal
 */
export function mergeRecent(
  completed: readonly FinishedSampleRow[],
  failed: readonly FinishedSampleRow[],
  kept: readonly string[] | null | undefined,
  limit: number,
): FinishedSample[] {
  const fromJobs: KeptSample[] = [];
  const add = (list: readonly FinishedSampleRow[], state: FinishedSample['state']) => {
    for (const f of list) {
      const sample = toKeptSample(state, f);
      if (sample !== null) fromJobs.push(sample);
    }
  };
  add(completed, 'completed');
  add(failed, 'failed');
  const samples: KeptSample[] = [];
  for (const member of kept ?? []) {
    const [state, ...fields] = JSON.parse(member.slice(15)) as [FinishedSample['state'], ...SampleFields];
    const sample = toKeptSample(state, fields);
    if (sample !== null) samples.push(sample);
  }
  return mergeRecentSamples(fromJobs, samples, limit);
}

/** A worker as stored in the workers hash. @internal */
export function toWorkerInfo(value: string): WorkerInfo {
  const w = JSON.parse(value) as WorkerInfo;
  return { id: w.id, queue: w.queue, host: w.host, pid: w.pid, concurrency: w.concurrency, startedAt: w.startedAt, lastSeenAt: w.lastSeenAt };
}
