import { describe, expect, it } from 'vitest';
import { describeStatus, eventsUrl, type PublicStatus } from '../web/status.js';

const NOW = 1_800_000_000_000;
const base: PublicStatus = {
  id: 'j1',
  state: 'queued',
  scheduled: false,
  position: 3,
  eta: { startsInMs: 40_000, finishesInMs: 120_000, low: 90_000, high: 150_000, basis: 'size' },
  progress: null,
  attempt: 0,
  maxAttempts: 3,
  runAt: NOW - 1000,
  createdAt: NOW - 1000,
  startedAt: null,
  finishedAt: null,
  cancelRequested: false,
  error: null,
};
const at = (ageMs = 0) => ({ now: NOW, ageMs });
const running = (percent: number, stage: string | null): PublicStatus => ({
  ...base,
  state: 'running',
  position: null,
  attempt: 1,
  progress: { percent, stage },
  eta: { startsInMs: 0, finishesInMs: 4_000, low: 3_000, high: 6_000, basis: 'size' },
  startedAt: NOW - 2000,
});

describe('what a meeting card says (web/status.js)', () => {
  it('shows the place in line and the estimate while queued, aged since the status arrived', () => {
    const v = describeStatus(base, at());
    expect(v).toMatchObject({ tone: 'queued', headline: 'Queued (#3) · ~2 min', detail: 'Starts in ~40 s, ready in ~2 min', progress: null, final: false });
    expect(describeStatus(base, at(10_000)).detail).toBe('Starts in ~30 s, ready in ~2 min');
  });

  it('says when there is no estimate yet, and when no worker runs', () => {
    const unknown = { ...base, eta: { startsInMs: null, finishesInMs: null, low: null, high: null, basis: 'unknown' } };
    expect(describeStatus(unknown, at()).headline).toBe('Queued (#3) · no estimate yet');
    const noWorkers = { ...base, eta: { startsInMs: null, finishesInMs: null, low: null, high: null, basis: 'no-workers' } };
    expect(describeStatus(noWorkers, at())).toMatchObject({ tone: 'waiting', headline: 'Queued (#3) · waiting for a worker' });
  });

  it('counts down a retry and says why the last attempt failed', () => {
    const retrying = { ...base, scheduled: true, position: null, attempt: 1, runAt: NOW + 800, error: { message: 'corrupt download of m-4.wav' } };
    expect(describeStatus(retrying, at())).toMatchObject({
      tone: 'retrying',
      headline: 'Retrying in 0.8 s (attempt 2 of 3)',
      detail: 'Attempt 1 failed: corrupt download of m-4.wav',
    });
    expect(describeStatus({ ...retrying, runAt: NOW - 10 }, at()).headline).toBe('Retrying now (attempt 2 of 3)');
    expect(describeStatus({ ...base, scheduled: true, position: null, runAt: NOW + 12_000 }, at()).headline).toBe('Scheduled in 12 s');
  });

  it('shows a progress bar with the stage and percent while running', () => {
    const v = describeStatus(running(41.6, 'transcribe'), at(1000));
    expect(v).toMatchObject({ tone: 'running', headline: 'Transcribing · 42%', detail: '~3 s left', progress: { percent: 41.6, label: 'Transcribing · 42%' } });
    expect(describeStatus(running(0, null), at()).headline).toBe('Starting · 0%');
    expect(describeStatus({ ...running(50, 'speakers'), cancelRequested: true }, at()).headline).toBe('Cancelling…');
  });

  it('ends with Done in, Failed: or Cancelled', () => {
    const done = { ...running(100, 'speakers'), state: 'completed' as const, eta: null, finishedAt: NOW + 3600, createdAt: NOW - 14_000 };
    expect(describeStatus(done, at())).toMatchObject({ tone: 'done', headline: 'Done in 5.6 s', detail: 'Waited 12 s in line', final: true });
    expect(describeStatus({ ...done, attempt: 2 }, at()).detail).toBe('Attempt 2 of 3');
    const failed = { ...done, state: 'failed' as const, error: { message: 'm-9.wav is not a usable recording' } };
    expect(describeStatus(failed, at())).toMatchObject({ tone: 'failed', headline: 'Failed: m-9.wav is not a usable recording', final: true });
    const cancelled = { ...done, state: 'cancelled' as const, progress: { percent: 31, stage: 'transcribe' } };
    expect(describeStatus(cancelled, at())).toMatchObject({ tone: 'cancelled', headline: 'Cancelled', detail: 'Stopped at 31%', final: true });
  });

  it('names the public SSE route of a job, escaped', () => {
    expect(eventsUrl('/waitline', 'transcribe', 'j 1/2')).toBe('/waitline/jobs/transcribe/j%201%2F2/events');
  });
});
