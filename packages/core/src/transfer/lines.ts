/**
 * The JSONL transfer format, version {@link TRANSFER_FORMAT}: what each line holds, how a job
 * becomes a line (a fixed field order, so two exports of the same jobs are the same text) and how
 * a line is read back and checked.
 * @module
 */
import { z } from 'zod';
import { ImportFormatError, ImportLineError } from '../errors.js';
import type { JobRecord } from '../job-record.js';
import { findJsonProblem } from '../json-value.js';
import { MAX_COUNT, MAX_RUN_AT } from '../limits.js';
import {
  groupNameSchema,
  isPlainObject,
  MAX_ATTEMPTS,
  MAX_JOB_SIZE,
  MAX_STALLS,
  queueNameSchema,
  storableText,
  storedBackoffSchema,
  timerMs,
} from '../options.js';
import { storedWebhookSchema } from '../webhooks/subscription.js';
import { MAX_PRIORITY, MIN_PRIORITY } from '../priority.js';
import { rateLimitSchema } from '../rate-limit.js';
import { type RetentionPolicy, retentionSchema } from '../retention/policy.js';
import type { QueueConfig, ScheduleRecord, StorageDescriptor, TransferJob } from '../storage.js';
import { parseScheduleLine, scheduleLineSchema } from './schedule-lines.js';
import { type GroupLine, groupLineSchema } from './group-lines.js';

/**
 * The format this code writes, and the newest it reads. Format 2 added schedule lines, format 3
 * group lines (a group's weight); older files read as before. Optional queue fields
 * (`rateLimit`, `retention`, `groupConcurrency`, `groupMaxWaiting`, `groupRateLimit`) are written only when set, so
 * a file without them reads as before too.
 */
export const TRANSFER_FORMAT = 3;

/** The first line of an export. */
export interface HeaderLine {
  /** Always `header`. */
  type: 'header';
  /** The format version, {@link TRANSFER_FORMAT} when this code wrote it. */
  format: number;
  /** The storage exported from: its class and non-secret location (file path, schema, key prefix). */
  source: Record<string, string>;
  /** When the export started, ISO 8601. */
  exportedAt: string;
}

/**
 * One queue's configuration: every `QueueConfig` field, and the queue's stored retention policy
 * (`retention`, only when it has one).
 */
export type QueueLine = { type: 'queue' } & QueueSettings;

/** A queue's configuration as a queue line carries it: its `QueueConfig` and, when set, its retention policy. */
export type QueueSettings = QueueConfig & { retention?: RetentionPolicy | null };

/** One job: its queue and every field of {@link TransferJob}. */
export type JobLine = { type: 'job'; queue: string } & TransferJob;

/** The job fields in the order every export writes them; fields not listed follow, sorted by name. */
const JOB_FIELD_ORDER = [
  'id',
  'name',
  'payload',
  'state',
  'priority',
  'runAt',
  'attempt',
  'maxAttempts',
  'stalls',
  'backoff',
  'timeoutMs',
  'size',
  'idempotencyKey',
  'createdAt',
  'startedAt',
  'finishedAt',
  'cancelRequested',
  'progress',
  'result',
  'error',
  'traceparent',
] as const;

/** Record fields that mean nothing outside the storage that wrote them: never exported. */
const LOCAL_FIELDS = new Set(['queue', 'seq', 'leaseToken', 'leaseExpiresAt', 'workerId', 'type']);

/**
 * A job's line: every record field but the storage-local ones, in a fixed order, so a field
 * `JobRecord` gains later is carried without a change here.
 */
export function jobLine(job: TransferJob & Partial<Pick<JobRecord, 'seq'>>, queue: string): string {
  const source = job as unknown as Record<string, unknown>;
  const out: Record<string, unknown> = { type: 'job', queue };
  for (const key of JOB_FIELD_ORDER) out[key] = source[key] ?? null;
  const known = new Set<string>(JOB_FIELD_ORDER);
  for (const key of Object.keys(source).sort()) {
    if (!known.has(key) && !LOCAL_FIELDS.has(key) && source[key] !== undefined) out[key] = source[key];
  }
  return JSON.stringify(out);
}

/**
 * A queue's configuration line, every field included (`rateLimit` and `retention` only when set,
 * so files without them read as before). `retention` is the queue's stored policy (see
 * `Storage.getRetention`).
 */
export function queueLine(config: QueueConfig, retention: RetentionPolicy | null = null): string {
  const { rateLimit, ...rest } = config;
  return JSON.stringify({ type: 'queue', ...rest, ...(rateLimit ? { rateLimit } : {}), ...(retention ? { retention } : {}) });
}

/** The header line; `source` keeps only the descriptor's non-secret location fields. */
export function headerLine(descriptor: StorageDescriptor, exportedAt: number): string {
  const source: Record<string, string> = { storage: descriptor.exportName };
  const options = (descriptor.options ?? {}) as Record<string, unknown>;
  for (const key of ['path', 'schema', 'prefix']) {
    const value = options[key];
    if (typeof value === 'string') source[key] = value;
  }
  const header: HeaderLine = { type: 'header', format: TRANSFER_FORMAT, source, exportedAt: new Date(exportedAt).toISOString() };
  return JSON.stringify(header);
}

const time = z.number().int().min(0).max(MAX_RUN_AT);
const count = z.number().int().min(0).max(MAX_COUNT);
/** Text of any length that every storage keeps exactly (no NUL, no lone surrogate). */
const cleanText = storableText(Number.MAX_SAFE_INTEGER, 0);

const queueLineSchema = z
  .object({
    type: z.literal('queue'),
    // The bounds of `new Queue`: an import creates no queue the API could not reach or run.
    name: queueNameSchema,
    concurrency: count.positive().nullable(),
    maxSize: count.positive().nullable(),
    paused: z.boolean(),
    maxStalls: count.max(MAX_STALLS),
    draining: z.boolean(),
    rateLimit: rateLimitSchema.nullable().optional(),
    groupConcurrency: count.positive().nullable().optional(),
    groupMaxWaiting: count.positive().nullable().optional(),
    groupRateLimit: rateLimitSchema.nullable().optional(),
    retention: retentionSchema.nullable().optional(),
  })
  .loose();

const jobLineSchema = z
  .object({
    type: z.literal('job'),
    queue: queueNameSchema,
    id: storableText(200),
    name: storableText(200),
    payload: z.custom<Record<string, unknown>>(isPlainObject, 'expected a plain object, as every added payload is'),
    state: z.enum(['queued', 'completed', 'failed', 'cancelled'], {
      message: 'expected queued, completed, failed or cancelled (a running job is exported as queued)',
    }),
    priority: z.number().int().min(MIN_PRIORITY).max(MAX_PRIORITY),
    runAt: time,
    attempt: count,
    // The bounds of `add` (attempts, timeoutMs, size): an import stores nothing an add would refuse.
    maxAttempts: z.number().int().min(1).max(MAX_ATTEMPTS),
    stalls: count,
    backoff: storedBackoffSchema.nullable(),
    timeoutMs: timerMs().nullable(),
    size: z.number().finite().positive().max(MAX_JOB_SIZE).nullable(),
    idempotencyKey: storableText(500).nullable(),
    createdAt: time,
    startedAt: time.nullable(),
    finishedAt: time.nullable(),
    cancelRequested: z.boolean(),
    progress: z.object({ percent: z.number().nullable(), stage: cleanText.nullable(), updatedAt: time }).loose().nullable(),
    result: z.unknown(),
    error: z
      .object({ name: cleanText, message: cleanText, code: cleanText.optional(), stack: cleanText.nullable().optional(), attempt: count, at: time })
      .loose()
      .nullable(),
    traceparent: cleanText.nullable(),
    webhook: storedWebhookSchema.nullable().optional(),
    group: groupNameSchema.nullable().optional(),
  })
  .loose()
  .refine((j) => (j.state === 'queued') === (j.finishedAt === null), {
    message: 'finishedAt must be null for a queued job and a time for a finished one',
    path: ['finishedAt'],
  });

/** A line read back: a queue's configuration, a schedule or a job. */
export type ParsedLine =
  | { kind: 'queue'; config: QueueSettings }
  | { kind: 'schedule'; schedule: ScheduleRecord }
  | { kind: 'group'; group: GroupLine }
  | { kind: 'job'; queue: string; job: TransferJob };

/** Parses line `line` (1-based, after the header); throws `ImportLineError` naming it. */
export function parseLine(text: string, line: number): ParsedLine {
  const value = parseJson(text, line);
  const type = (value as { type?: unknown } | null)?.type;
  // The schemas only check (nothing is transformed), and the values kept are the line's own, so
  // the key order inside JSON fields (progress, error, payload) survives a round trip.
  if (type === 'queue') {
    check(queueLineSchema, value, line);
    const { type: _t, ...config } = value as QueueLine;
    return { kind: 'queue', config };
  }
  if (type === 'job') {
    check(jobLineSchema, value, line);
    const { type: _t, queue, ...job } = value as JobLine;
    // Fields only the storage that wrote them means (a record listed as JSON carries them): never stored.
    for (const field of LOCAL_FIELDS) delete (job as Record<string, unknown>)[field];
    for (const field of ['payload', 'result'] as const) {
      const problem = findJsonProblem(job[field] ?? null, [field], field);
      if (problem !== null) throw new ImportLineError(line, problem.message, problem.path);
    }
    return {
      kind: 'job',
      queue,
      job: { ...job, payload: job.payload ?? null, result: job.result ?? null, group: (job as { group?: string | null }).group ?? null },
    };
  }
  if (type === 'schedule') {
    check(scheduleLineSchema, value, line);
    return { kind: 'schedule', schedule: parseScheduleLine(value, line) };
  }
  if (type === 'group') {
    check(groupLineSchema, value, line);
    return { kind: 'group', group: value as GroupLine };
  }
  throw new ImportLineError(line, `expected a line of type "queue", "schedule", "group" or "job", got ${JSON.stringify(type ?? null)}`, ['type']);
}

/** Checks the first line: a header of a format this code reads; throws `ImportFormatError`. */
export function checkHeader(text: string | undefined): HeaderLine {
  if (text === undefined) throw new ImportFormatError('the input is empty: an export starts with a header line', undefined, TRANSFER_FORMAT);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ImportFormatError(`line 1 is not JSON, so not an export header: ${(err as Error).message}`, undefined, TRANSFER_FORMAT);
  }
  const header = value as Partial<HeaderLine> | null;
  if (header?.type !== 'header') throw new ImportFormatError('line 1 is not an export header ({"type":"header",...})', undefined, TRANSFER_FORMAT);
  const format = header.format;
  if (typeof format !== 'number' || !Number.isInteger(format) || format < 1) {
    throw new ImportFormatError(`the header's format ${JSON.stringify(format ?? null)} is not a format version`, format, TRANSFER_FORMAT);
  }
  if (format > TRANSFER_FORMAT) {
    throw new ImportFormatError(
      `the file is in format ${format}, newer than format ${TRANSFER_FORMAT} this version reads: upgrade Waitline to import it`,
      format,
      TRANSFER_FORMAT,
    );
  }
  return header as HeaderLine;
}

function parseJson(text: string, line: number): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ImportLineError(line, `not valid JSON: ${(err as Error).message}`, [], { cause: err });
  }
}

function check(schema: z.ZodType, value: unknown, line: number): void {
  const result = schema.safeParse(value);
  if (result.success) return;
  const issue = result.error.issues[0];
  const path = (issue?.path ?? []).map((p) => (typeof p === 'symbol' ? String(p) : p));
  const where = path.length > 0 ? ` at ${path.join('.')}` : '';
  throw new ImportLineError(line, `invalid ${String((value as { type?: unknown }).type)} line${where}: ${issue?.message ?? 'rejected'}`, path);
}
