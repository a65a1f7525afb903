import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { describeStatus, formatEstimate, formatRow, JobBoard, type JobRow, progressBar, type StatusView, stripAnsi } from '../src/render.js';

const base: StatusView = {
  state: 'queued',
  scheduled: false,
  position: 3,
  attempt: 0,
  maxAttempts: 3,
  progress: null,
  eta: { startsInMs: 40_000, finishesInMs: 118_000, basis: 'size' },
  runAt: 0,
  startedAt: null,
  finishedAt: null,
  result: null,
  error: null,
};

describe('terminal view', () => {
  it('describes each state the way a user reads it', () => {
    expect(describeStatus(base, 0)).toBe('Queued (#3) · starts in ~40 s, done in ~2 min');
    expect(describeStatus({ ...base, eta: { startsInMs: null, finishesInMs: null, basis: 'unknown' } }, 0)).toMatch(/^Queued \(#3\) · no ETA/);
    const running = {
      ...base,
      state: 'running' as const,
      position: null,
      attempt: 1,
      progress: { percent: 60, stage: 'transcribe' },
      eta: { startsInMs: 0, finishesInMs: 4200, basis: 'size' },
    };
    expect(describeStatus(running, 0)).toBe('Running  [██████░░░░]  60% transcribe · ~4 s left');
    const done = { ...base, state: 'completed' as const, attempt: 1, startedAt: 1000, finishedAt: 13_300, result: { speakers: 2, segments: 14 } };
    expect(describeStatus(done, 0)).toBe('Done in 12 s · 2 speakers, 14 segments');
    const retrying = { ...base, scheduled: true, position: null, attempt: 1, runAt: 1000, error: { message: 'corrupt download' } };
    expect(describeStatus(retrying, 0)).toBe('Retrying in 1.0 s (attempt 2/3) · corrupt download');
    expect(describeStatus({ ...base, state: 'failed', error: { message: 'boom' } }, 0)).toBe('Failed: boom');
    expect(describeStatus({ ...base, state: 'cancelled', progress: { percent: 31, stage: 'transcribe' } }, 0)).toBe('Cancelled at 31%');
  });

  it('formats estimates and bars', () => {
    expect([formatEstimate(800), formatEstimate(12_000), formatEstimate(150_000)]).toEqual(['~1 s', '~12 s', '~3 min']);
    expect(progressBar(0)).toBe('[░░░░░░░░░░]');
    expect(progressBar(100)).toBe('[██████████]');
  });

  it('prints a line per change when not a TTY, and redraws in place on a TTY', () => {
    const row: JobRow = { meetingId: 'm-3', user: 'alice', audioSeconds: 62, priority: 'normal', status: base };
    expect(formatRow(row, 0)).toBe('m-3   alice  62 s  normal  Queued (#3) · starts in ~40 s, done in ~2 min');
    const pipe = new PassThrough();
    const log = new JobBoard(pipe, false, { color: false });
    log.render([row], 0);
    log.render([row], 0);
    log.render([{ ...row, status: { ...base, position: 2 } }], 0); // a new position alone: no line
    log.render([{ ...row, status: { ...base, state: 'running' } }], 0);
    expect(String(pipe.read()).trim().split('\n')).toHaveLength(2);
    const tty = new PassThrough();
    const live = new JobBoard(tty, true, { color: false, columns: 30 });
    live.render([row, row], 0, 'footer');
    live.render([row, row], 0, 'footer');
    const out = String(tty.read());
    expect(out).toContain('\x1b[4F'); // header, two rows, footer
    expect(out.split('\n').every((l) => stripAnsi(l).length <= 29)).toBe(true);
  });
});
