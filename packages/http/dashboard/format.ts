/**
 * Human wording of positions, ETAs and durations, shared by the dashboard and the status page.
 * @module
 */
import type { QueueConfig } from './types.js';

/** The part of an ETA the wording uses (core's `Eta`, as the handler's JSON carries it). */
export interface EtaLike {
  startsInMs: number | null;
  finishesInMs: number | null;
  basis: string;
}

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
/** Keeps a number and its unit on one line. */
const NBSP = '\u00a0';

/** A duration, compact: `850 ms`, `4.2 s`, `45 s`, `3 min`, `1 h 5 min`; `–` for null. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '–';
  if (ms < SECOND) return `${Math.round(ms)} ms`;
  if (ms < 10 * SECOND) return `${(ms / SECOND).toFixed(1)} s`;
  if (ms < MINUTE) return `${Math.round(ms / SECOND)} s`;
  if (ms < HOUR) return `${Math.round(ms / MINUTE)} min`;
  const h = Math.floor(ms / HOUR);
  const m = Math.round((ms - h * HOUR) / MINUTE);
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}

/** An estimate, rounded the way a person would say it: `a few seconds`, `~40 s`, `~2 min`, `~1 h 30 min` (no break inside a number and its unit). */
export function formatEstimate(ms: number): string {
  if (ms < 10 * SECOND) return 'a few seconds';
  if (ms < MINUTE) return `~${Math.round(ms / (5 * SECOND)) * 5}${NBSP}s`;
  if (ms < 90 * MINUTE) return `~${Math.max(1, Math.round(ms / MINUTE))}${NBSP}min`;
  const h = Math.floor(ms / HOUR);
  const m = Math.round((ms - h * HOUR) / (15 * MINUTE)) * 15;
  return m === 0 || m === 60 ? `~${m === 60 ? h + 1 : h}${NBSP}h` : `~${h}${NBSP}h ${m}${NBSP}min`;
}

/** When a queued job should start, in words; '' when there is nothing to say. */
export function startsIn(eta: EtaLike | null): string {
  if (!eta) return '';
  if (eta.basis === 'no-workers') return 'no worker running';
  if (eta.basis === 'paused') return 'queue paused';
  if (eta.startsInMs === null) return 'time unknown yet';
  return eta.startsInMs <= 0 ? 'starting now' : formatEstimate(eta.startsInMs);
}

/** A queued job's place and wait: `#3 · ~2 min`, `#1 · starting now`, `#4 · time unknown yet`. */
export function queuedLabel(position: number | null, eta: EtaLike | null): string {
  const wait = startsIn(eta);
  const place = position === null ? '' : `#${position}`;
  return [place, wait].filter((s) => s !== '').join(' · ');
}

/** When a running job should finish, in words; '' when unknown. */
export function finishesIn(eta: EtaLike | null): string {
  if (!eta || eta.finishesInMs === null) return '';
  return eta.finishesInMs <= 0 ? 'finishing' : `${formatEstimate(eta.finishesInMs)} left`;
}

/**
 * A clock time for a timestamp, `14:05:09`, with the date before it when it is not on the local
 * day of `now` (`Sat, Dec 5, 14:05:09`: a job scheduled days ahead, one finished last week); '–'
 * for null.
 */
export function formatClock(at: number | null | undefined, now = Date.now()): string {
  if (at === null || at === undefined) return '–';
  const when = new Date(at);
  const time = when.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  if (when.toDateString() === new Date(now).toDateString()) return time;
  const sameYear = when.getFullYear() === new Date(now).getFullYear();
  const date = when.toLocaleDateString([], { weekday: 'short', month: 'short', day: 'numeric', ...(sameYear ? {} : { year: 'numeric' }) });
  return `${date}, ${time}`;
}

/** A percentage of a 0–1 ratio, `75%`. */
export function formatPercent(ratio: number): string {
  return `${Math.round(ratio * 100)}%`;
}

/**
 * The limits a queue holds its jobs to, as one line ("at most 8 running · 10 starts per 1 min ·
 * per group: 2 running, 100 waiting, 5 starts per 1 min"); empty when it has none.
 */
export function limitsText(config: QueueConfig): string {
  const parts: string[] = [];
  if (config.concurrency !== null) parts.push(`at most ${config.concurrency} running`);
  if (config.rateLimit) parts.push(`${config.rateLimit.max} starts per ${formatDuration(config.rateLimit.intervalMs)}`);
  const group = [
    config.groupConcurrency == null ? '' : `${config.groupConcurrency} running`,
    config.groupMaxWaiting == null ? '' : `${config.groupMaxWaiting} waiting`,
    config.groupRateLimit == null ? '' : `${config.groupRateLimit.max} starts per ${formatDuration(config.groupRateLimit.intervalMs)}`,
  ].filter(Boolean);
  if (group.length > 0) parts.push(`per group: ${group.join(', ')}`);
  return parts.join(' · ');
}
