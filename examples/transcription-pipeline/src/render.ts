/**
 * The terminal view: one line per job, as its user would see it.
 *
 * On a TTY the table is redrawn in place (ANSI cursor movement) and log lines scroll above it. On
 * anything else (a pipe, a CI log) a compact line is printed whenever a job's state changes, so
 * the log stays readable.
 */

/** The part of Waitline's `JobStatus` the view reads. */
export interface StatusView {
  state: 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';
  scheduled: boolean;
  position: number | null;
  attempt: number;
  maxAttempts: number;
  progress: { percent: number | null; stage: string | null } | null;
  eta: { startsInMs: number | null; finishesInMs: number | null; basis: string } | null;
  runAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  cancelRequested?: boolean;
  result: unknown;
  error: { message: string } | null;
}

/** One row: who submitted what, and the latest status read from Waitline. */
export interface JobRow {
  meetingId: string;
  user: string;
  audioSeconds: number;
  priority: string;
  status: StatusView | null;
}

export interface RenderOptions {
  color: boolean;
  /** Terminal width; lines are cut to it so redrawing in place never wraps. */
  columns?: number;
}

const ESC = '\x1b[';
const HIDE_CURSOR = `${ESC}?25l`;
/** Shows the cursor again; write it on exit if the process may stop while the table is live. */
export const SHOW_CURSOR = `${ESC}?25h`;
const paint = (code: string) => (on: boolean, s: string) => (on ? `${ESC}${code}m${s}${ESC}0m` : s);
const dim = paint('2');
const green = paint('32');
const red = paint('31');
const yellow = paint('33');
const cyan = paint('36');
const bold = paint('1');

/** `4.2 s`, `42 s`, `2 min 5 s`. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, ms) / 1000;
  if (s < 10) return `${s.toFixed(1)} s`;
  if (s < 60) return `${Math.round(s)} s`;
  const m = Math.floor(s / 60);
  const rest = Math.round(s - m * 60);
  return rest === 0 ? `${m} min` : `${m} min ${rest} s`;
}

/** An estimate, rounded the way people say it: `~8 s`, `~42 s`, `~2 min`. */
export function formatEstimate(ms: number): string {
  const s = Math.max(0, ms) / 1000;
  if (s < 60) return `~${Math.max(1, Math.round(s))} s`;
  return `~${Math.round(s / 60)} min`;
}

/** `[██████░░░░]` for a percentage. */
export function progressBar(percent: number, width = 10): string {
  const filled = Math.max(0, Math.min(width, Math.round((percent / 100) * width)));
  return `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}]`;
}

interface ResultLike {
  speakers?: number;
  segments?: number;
}

/** The status column: what a user reads about their job right now. */
export function describeStatus(st: StatusView | null, now: number, color = false): string {
  if (st === null) return dim(color, 'Submitting…');
  switch (st.state) {
    case 'queued':
      return describeQueued(st, now, color);
    case 'running':
      return describeRunning(st, color);
    case 'completed': {
      const r = (st.result ?? {}) as ResultLike;
      const took = st.finishedAt !== null && st.startedAt !== null ? formatDuration(st.finishedAt - st.startedAt) : '?';
      const retried = st.attempt > 1 ? ` (attempt ${st.attempt}/${st.maxAttempts})` : '';
      return green(color, `Done in ${took}${retried} · ${plural(r.speakers ?? 0, 'speaker')}, ${plural(r.segments ?? 0, 'segment')}`);
    }
    case 'failed':
      return red(color, `Failed: ${st.error?.message ?? 'unknown error'}`);
    case 'cancelled': {
      const at = st.progress?.percent;
      return yellow(color, at === null || at === undefined ? 'Cancelled' : `Cancelled at ${Math.round(at)}%`);
    }
  }
}

function describeQueued(st: StatusView, now: number, color: boolean): string {
  if (st.scheduled && st.attempt > 0) {
    const why = st.error ? ` · ${shortReason(st.error.message)}` : '';
    return yellow(color, `Retrying in ${formatDuration(st.runAt - now)} (attempt ${st.attempt + 1}/${st.maxAttempts})${why}`);
  }
  if (st.scheduled) return dim(color, `Scheduled in ${formatDuration(st.runAt - now)}`);
  const place = st.position === null ? 'Queued' : `Queued (#${st.position})`;
  return `${place} · ${describeEta(st.eta, 'starts')}`;
}

function describeEta(eta: StatusView['eta'], what: 'starts' | 'left'): string {
  if (eta === null || eta.basis === 'unknown') return 'no ETA until a first job finishes';
  if (eta.basis === 'no-workers') return 'waiting for a worker';
  if (what === 'left') return eta.finishesInMs === null ? '' : `${formatEstimate(eta.finishesInMs)} left`;
  const starts = eta.startsInMs === null ? '' : `starts in ${formatEstimate(eta.startsInMs)}`;
  const done = eta.finishesInMs === null ? '' : `done in ${formatEstimate(eta.finishesInMs)}`;
  return [starts, done].filter(Boolean).join(', ');
}

function describeRunning(st: StatusView, color: boolean): string {
  if (st.cancelRequested) return yellow(color, 'Cancelling…');
  const percent = st.progress?.percent ?? 0;
  const stage = st.progress?.stage ?? 'starting';
  const left = describeEta(st.eta, 'left');
  const tail = left && !left.startsWith('no ETA') ? ` · ${left}` : '';
  return `${cyan(color, 'Running')}  ${progressBar(percent)} ${String(Math.round(percent)).padStart(3)}% ${stage}${tail}`;
}

/** The first clause of an error message: `corrupt download of m-4.wav: WAV truncated…` → `corrupt download of m-4.wav`. */
function shortReason(message: string): string {
  const head = message.split(': ')[0] ?? message;
  return head.length > 48 ? `${head.slice(0, 47)}…` : head;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The table's column titles, aligned with {@link formatRow}. */
export const HEADER = `${'job'.padEnd(4)}  ${'user'.padEnd(5)}  ${'audio'.padStart(4)} ${'prio'.padEnd(6)}  status`;

/** A whole row: `m-3   alice  62 s  normal  Queued (#3) · starts in ~40 s, done in ~55 s`. */
export function formatRow(row: JobRow, now: number, color = false): string {
  const who = `${row.meetingId.padEnd(4)}  ${row.user.padEnd(5)}  ${`${Math.round(row.audioSeconds)} s`.padStart(4)}  ${row.priority.padEnd(6)}`;
  return `${bold(color, who.slice(0, 4))}${who.slice(4)}  ${describeStatus(row.status, now, color)}`;
}

/**
 * The key whose change prints a new line in the non-TTY log: the state (with retry attempt and a
 * pending cancel), and for a waiting job whether it has an ETA yet. Positions, stages and
 * percentages move too often for a log; the TTY view shows them live.
 */
function changeKey(row: JobRow): string {
  const st = row.status;
  if (st === null) return 'submitting';
  const hasEta = st.state === 'queued' && st.eta !== null && st.eta.basis !== 'unknown';
  return [st.state, st.scheduled, st.attempt, st.cancelRequested ?? false, hasEta].join('|');
}

/** Draws job rows to a stream: live in place on a TTY, line per change otherwise. */
export class JobBoard {
  private drawn = 0;
  private last: { rows: readonly JobRow[]; footer: string } | null = null;
  private readonly lastKey = new Map<string, string>();
  private readonly startedAt = Date.now();

  constructor(
    private readonly out: NodeJS.WritableStream,
    private readonly tty: boolean,
    private readonly opts: RenderOptions,
  ) {}

  /** Prints a message: above the live table on a TTY, as its own line otherwise. */
  log(message: string): void {
    if (this.tty) this.clear();
    this.out.write(`${this.stamp()}${message}\n`);
    if (this.tty && this.last) this.render(this.last.rows, Date.now(), this.last.footer);
  }

  /** Shows the rows: redraws the table (TTY) or prints the rows that changed. */
  render(rows: readonly JobRow[], now: number, footer = ''): void {
    if (!this.tty) {
      this.printChanges(rows, now);
      return;
    }
    this.last = { rows, footer };
    const lines = [this.fit(dim(this.opts.color, HEADER)), ...rows.map((r) => this.fit(formatRow(r, now, this.opts.color)))];
    if (footer) lines.push(this.fit(dim(this.opts.color, footer)));
    const up = this.drawn > 0 ? `${ESC}${this.drawn}F` : HIDE_CURSOR;
    this.out.write(`${up}${lines.map((l) => `${ESC}2K${l}\n`).join('')}${ESC}J`);
    this.drawn = lines.length;
  }

  /** Leaves the table on screen as it is and stops redrawing over it. */
  release(): void {
    if (this.tty && this.drawn > 0) this.out.write(SHOW_CURSOR);
    this.drawn = 0;
    this.last = null;
  }

  private printChanges(rows: readonly JobRow[], now: number): void {
    for (const row of rows) {
      const key = changeKey(row);
      if (this.lastKey.get(row.meetingId) === key) continue;
      this.lastKey.set(row.meetingId, key);
      this.out.write(`${this.stamp()}${formatRow(row, now, false)}\n`);
    }
  }

  private clear(): void {
    if (this.drawn > 0) this.out.write(`${ESC}${this.drawn}F${ESC}J`);
    this.drawn = 0;
  }

  private stamp(): string {
    const s = ((Date.now() - this.startedAt) / 1000).toFixed(1).padStart(5);
    return dim(this.opts.color, `${s}s  `);
  }

  /** Cuts a line to the terminal width, counting visible characters only. */
  private fit(line: string): string {
    const max = (this.opts.columns ?? 0) - 1;
    if (max <= 0) return line;
    let visible = 0;
    let out = '';
    for (let i = 0; i < line.length; i++) {
      const seq = escapeLength(line, i);
      if (seq > 0) {
        out += line.slice(i, i + seq);
        i += seq - 1;
      } else if (visible < max) {
        out += line[i];
        visible++;
      }
    }
    return out;
  }
}

/** The length of the ANSI CSI sequence (`ESC [ params letter`) starting at `i`, or 0. */
function escapeLength(text: string, i: number): number {
  if (text.charCodeAt(i) !== 27 || text[i + 1] !== '[') return 0;
  let j = i + 2;
  while (j < text.length && /[0-9;?]/.test(text[j] as string)) j++;
  return j < text.length && /[A-Za-z]/.test(text[j] as string) ? j - i + 1 : 0;
}

/** The text without ANSI CSI sequences: what the terminal shows. */
export function stripAnsi(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const seq = escapeLength(text, i);
    if (seq > 0) i += seq - 1;
    else out += text[i];
  }
  return out;
}
