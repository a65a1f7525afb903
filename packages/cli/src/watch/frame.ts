/**
 * What `watch` draws, as pure functions of what it read: a queue's counts, a utilisation bar, its
 * running jobs with progress bars and stages, and the first waiting jobs with position and ETA; or,
 * without a queue, one line per queue. No I/O here, so a frame can be tested as a string.
 * @module
 */
import type { JobRecord, JobStatus, QueueStats } from '@waitline/core';
import { formatMs, table } from '../output.js';

/** Everything one frame of a queue's view shows. */
export interface QueueFrame {
  stats: QueueStats;
  /** Running jobs, oldest start first, as `shownJob` shows them (no lease token, webhook tokens masked). */
  running: Array<Omit<JobRecord, 'leaseToken'>>;
  /** The first waiting jobs in claim order, each with its status (position and ETA). */
  waiting: JobStatus[];
  /** When the frame was read. */
  now: number;
}

/** A bar of `width` cells, `fraction` (0..1, clamped) of them full. */
export function bar(fraction: number, width = 20): string {
  const clamped = Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0;
  const full = Math.round(clamped * width);
  return `${'█'.repeat(full)}${'░'.repeat(width - full)}`;
}

function flags(stats: QueueStats): string {
  const on = [stats.config.paused ? 'paused' : '', stats.config.draining ? 'draining' : ''].filter(Boolean);
  return on.length > 0 ? ` [${on.join(', ')}]` : '';
}

function perMinute(stats: QueueStats): string {
  const minute = stats.throughput.find((w) => w.windowMs === 60_000) ?? stats.throughput[0];
  return minute ? `${minute.completed} done, ${minute.failed} failed in the last ${formatMs(minute.windowMs)}` : '';
}

function header(stats: QueueStats): string[] {
  const c = stats.counts;
  return [
    `${stats.queue}${flags(stats)}  ${c.ready} ready · ${c.scheduled} scheduled · ${c.running} running · ${c.completed} completed · ${c.failed} failed · ${c.cancelled} cancelled`,
    `utilisation ${bar(stats.utilisation)} ${Math.round(stats.utilisation * 100)}% of ${stats.capacity} slot(s) · ${stats.workers.length} worker(s) · ${perMinute(stats)}`,
  ];
}

function runningRows(jobs: ReadonlyArray<Omit<JobRecord, 'leaseToken'>>, now: number): string[][] {
  return jobs.map((j) => {
    const percent = j.progress?.percent ?? null;
    const progress = percent === null ? `${bar(0)}    –` : `${bar(percent / 100)} ${String(Math.round(percent)).padStart(3)}%`;
    return [j.id, j.name, progress, j.progress?.stage ?? '', formatMs(j.startedAt === null ? null : now - j.startedAt)];
  });
}

function etaText(s: JobStatus): string {
  if (s.scheduled) return `scheduled in ${formatMs(Math.max(0, s.runAt - Date.now()))}`;
  const eta = s.eta;
  if (!eta || eta.startsInMs === null) return eta ? `no estimate (${eta.basis})` : 'no estimate';
  const range = eta.low !== null && eta.high !== null ? ` (${formatMs(eta.low)}–${formatMs(eta.high)})` : '';
  return `starts in ~${formatMs(eta.startsInMs)}, done in ~${formatMs(eta.finishesInMs)}${range}`;
}

function waitingRows(statuses: readonly JobStatus[]): string[][] {
  return statuses.map((s) => [s.position === null ? '–' : `#${s.position}`, s.id, s.name, String(s.priority), etaText(s)]);
}

/** One queue's frame: header, running jobs with progress bars, first waiting jobs with position and ETA. */
export function renderQueueFrame(frame: QueueFrame): string {
  const parts = [header(frame.stats).join('\n'), ''];
  const moreRunning = frame.stats.counts.running - frame.running.length;
  parts.push(`running (${frame.stats.counts.running})`);
  if (frame.running.length > 0) parts.push(table(['id', 'name', 'progress', 'stage', 'running for'], runningRows(frame.running, frame.now)).trimEnd());
  if (moreRunning > 0) parts.push(`… and ${moreRunning} more`);
  parts.push('', `waiting (${frame.stats.counts.queued})`);
  if (frame.waiting.length > 0) parts.push(table(['pos', 'id', 'name', 'prio', 'eta'], waitingRows(frame.waiting)).trimEnd());
  return `${parts.join('\n')}\n`;
}

/** Every queue on one line each: counts and a utilisation bar. */
export function renderOverview(all: readonly QueueStats[]): string {
  if (all.length === 0) return 'no queues in this storage yet\n';
  const rows = all.map((s) => [
    `${s.queue}${flags(s)}`,
    String(s.counts.ready),
    String(s.counts.scheduled),
    String(s.counts.running),
    String(s.counts.completed),
    String(s.counts.failed),
    `${bar(s.utilisation, 10)} ${Math.round(s.utilisation * 100)}%`,
    String(s.workers.length),
  ]);
  return table(['queue', 'ready', 'scheduled', 'running', 'completed', 'failed', 'utilisation', 'workers'], rows);
}
