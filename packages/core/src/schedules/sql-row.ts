/**
 * The schedules row of the SQL storages (SQLite and Postgres store the same columns), and its
 * record: one mapping instead of one per adapter.
 * @module
 */
import type { CatchUp, ScheduleRecord } from '../schedule-params.js';

/**
 * A schedules row as a SQL storage reads it: snake_case columns, times as numbers, `payload` and
 * `options` already parsed from their JSON text.
 * @internal
 */
export interface ScheduleRow {
  queue: string;
  key: string;
  cron: string | null;
  tz: string | null;
  every_ms: number | null;
  catch_up: string;
  payload: unknown;
  options: Record<string, unknown>;
  next_run_at: number;
  last_run_at: number | null;
  created_at: number;
  updated_at: number;
}

/** The record of a schedules row (fields renamed, nothing else changed). @internal */
export function scheduleFromRow(row: ScheduleRow): ScheduleRecord {
  return {
    queue: row.queue,
    key: row.key,
    cron: row.cron,
    tz: row.tz,
    every: row.every_ms,
    catchUp: row.catch_up as CatchUp,
    payload: row.payload,
    options: row.options,
    nextRunAt: row.next_run_at,
    lastRunAt: row.last_run_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
