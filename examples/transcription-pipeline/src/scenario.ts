/**
 * The users' side of the demo: they record meetings, submit them with their priorities, watch
 * where they stand through `job.status()`, and one of them changes their mind and cancels.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MeetingPayload } from './pipeline.js';
import type { JobRow, StatusView } from './render.js';
import { synthesizeMeeting, VOICES } from './synth.js';
import { encodeWav } from './wav.js';

export type PriorityName = 'low' | 'normal' | 'high' | 'urgent';

/** One meeting a user will submit, and what happens to it in the story. */
export interface MeetingPlan {
  meetingId: string;
  user: string;
  audioSeconds: number;
  priority: PriorityName;
  /** Indexes into `VOICES`: who speaks in the meeting. */
  voices: number[];
  /** Submitted this long after the start; `late` plans wait for {@link lateAtMs} instead. */
  atMs: number;
  late?: boolean;
  /** The first download arrives cut short; the retry succeeds. */
  flakyDownload?: boolean;
  /** The user cancels once the job has reached this percentage. */
  cancelAtPercent?: number;
  /** Submitted in this group (the `--groups` story): the queue takes groups in turns. */
  group?: string;
  /** The position the story promises on submit (checked at the end). */
  expectPosition?: number;
  /** Meetings the story promises this one starts before, though they were submitted earlier. */
  startsBefore?: string[];
}

/** The demo's meetings: 7 of them, 24-80 s, two and three speakers. */
export function demoMeetings(): MeetingPlan[] {
  return [
    { meetingId: 'm-1', user: 'alice', audioSeconds: 45, priority: 'normal', voices: [0, 2], atMs: 0 },
    { meetingId: 'm-2', user: 'bob', audioSeconds: 62, priority: 'high', voices: [1, 2], atMs: 250 },
    { meetingId: 'm-3', user: 'carol', audioSeconds: 30, priority: 'low', voices: [0, 2], atMs: 500 },
    { meetingId: 'm-4', user: 'dave', audioSeconds: 38, priority: 'normal', voices: [0, 1], atMs: 750, flakyDownload: true },
    { meetingId: 'm-5', user: 'alice', audioSeconds: 80, priority: 'normal', voices: [0, 1, 2], atMs: 1000 },
    { meetingId: 'm-6', user: 'bob', audioSeconds: 55, priority: 'normal', voices: [1, 2], atMs: 1250, cancelAtPercent: 30 },
    { meetingId: 'm-7', user: 'erin', audioSeconds: 24, priority: 'urgent', voices: [0, 2], atMs: 0, late: true },
  ];
}

/**
 * The `--groups` story: Alice submits five meetings, then Bob one. The queue takes users in
 * turns, so Bob's meeting is #2 at once (one of Alice's is ahead, not four) and starts before
 * Alice's last three.
 */
export function groupMeetings(): MeetingPlan[] {
  const alice = [0, 1, 2, 3, 4].map((i) => ({
    meetingId: `m-${i + 1}`,
    user: 'alice',
    audioSeconds: 20 + i * 4,
    priority: 'normal' as const,
    voices: i % 2 === 0 ? [0, 2] : [0, 1],
    atMs: i * 100,
    group: 'alice',
  }));
  const bob: MeetingPlan = {
    meetingId: 'm-6',
    user: 'bob',
    audioSeconds: 26,
    priority: 'normal',
    voices: [1, 2],
    atMs: 700,
    group: 'bob',
    expectPosition: 2,
    startsBefore: ['m-3', 'm-4', 'm-5'],
  };
  return [...alice, bob];
}

/** When the late, urgent meeting arrives: after about 60 s of audio has been processed. */
export function lateAtMs(speed: number): number {
  return Number.isFinite(speed) ? Math.max(2000, (60 / speed) * 1000) : 2000;
}

/** Synthesizes every meeting's recording as a WAV file in `dir`; returns the paths by meeting. */
export async function recordMeetings(dir: string, plans: readonly MeetingPlan[]): Promise<Map<string, string>> {
  await mkdir(dir, { recursive: true });
  const files = new Map<string, string>();
  for (const [i, plan] of plans.entries()) {
    const voices = plan.voices.map((v) => VOICES[v]).filter((v) => v !== undefined);
    const meeting = synthesizeMeeting({ seconds: plan.audioSeconds, voices, seed: 1000 + i * 17 });
    const file = join(dir, `${plan.meetingId}.wav`);
    await writeFile(file, encodeWav(meeting.samples, meeting.sampleRate));
    files.set(plan.meetingId, file);
  }
  return files;
}

/** The part of a Waitline `Job` handle the users need. */
export interface JobHandle {
  id: string;
  status(): Promise<StatusView>;
  cancel(): Promise<unknown>;
}

/** The part of a Waitline `Queue` the users need. */
export interface SubmitQueue {
  add(payload: MeetingPayload, options: { priority: number; size: number; group?: string }): Promise<JobHandle>;
}

/** A submitted (or yet to be submitted) meeting, with what its user has seen. */
export interface Tracked {
  plan: MeetingPlan;
  job: JobHandle | null;
  status: StatusView | null;
  /** Percentage at which the user sent the cancel, once sent. */
  cancelSentAt: number | null;
  /** For the late urgent job: the jobs waiting when it was added, and its position then. */
  overtook: string[];
  positionWhenAdded: number | null;
  retries: number;
}

const PRIORITY: Record<PriorityName, number> = { low: 1, normal: 2, high: 3, urgent: 4 };

/** How a grouped submission is told where it stands, e.g. " (group bob) → #2". */
function submitted(t: Tracked): string {
  if (t.plan.group === undefined) return '';
  return ` (group ${t.plan.group}) → ${t.positionWhenAdded === null ? 'starts at once' : `#${t.positionWhenAdded}`}`;
}

/** The simulated users: they submit, watch and react. */
export class Users {
  readonly tracked: Tracked[];
  private readonly timers: NodeJS.Timeout[] = [];
  private pending = 0;

  constructor(
    private readonly queue: SubmitQueue,
    plans: readonly MeetingPlan[],
    private readonly files: ReadonlyMap<string, string>,
    private readonly opts: { speed: number; log: (message: string) => void },
  ) {
    this.tracked = plans.map((plan) => ({
      plan,
      job: null,
      status: null,
      cancelSentAt: null,
      overtook: [],
      positionWhenAdded: null,
      retries: 0,
    }));
  }

  /** Schedules every submission; errors are logged and end the demo as failed. */
  start(onError: (err: unknown) => void): void {
    for (const t of this.tracked) {
      const at = t.plan.late ? lateAtMs(this.opts.speed) : t.plan.atMs;
      this.pending++;
      this.timers.push(
        setTimeout(
          () =>
            this.submit(t)
              .catch(onError)
              .finally(() => this.pending--),
          at,
        ),
      );
    }
  }

  private async submit(t: Tracked): Promise<void> {
    const { plan } = t;
    const file = this.files.get(plan.meetingId);
    if (!file) throw new Error(`no recording for ${plan.meetingId}`);
    const payload = { meetingId: plan.meetingId, user: plan.user, file, audioSeconds: plan.audioSeconds };
    const group = plan.group === undefined ? {} : { group: plan.group };
    t.job = await this.queue.add(payload, { priority: PRIORITY[plan.priority], size: plan.audioSeconds, ...group });
    t.status = await t.job.status();
    t.positionWhenAdded = t.status.position;
    if (plan.late) await this.noteOvertaking(t);
    else this.opts.log(`${plan.user} submits ${plan.meetingId}: ${plan.audioSeconds} s of audio, priority ${plan.priority}${submitted(t)}`);
  }

  /** Records which waiting jobs the late one went ahead of, for the end-of-run check. */
  private async noteOvertaking(t: Tracked): Promise<void> {
    const others = this.tracked.filter((o) => o !== t && o.job !== null);
    const statuses = await Promise.all(others.map(async (o) => ({ o, st: await (o.job as JobHandle).status() })));
    t.overtook = statuses.filter(({ st }) => st.state === 'queued' && st.position !== null).map(({ o }) => o.plan.meetingId);
    t.positionWhenAdded = t.status?.position ?? null;
    const where = t.positionWhenAdded === null ? 'starts at once' : `goes to #${t.positionWhenAdded}, ahead of ${t.overtook.length} waiting`;
    this.opts.log(`${t.plan.user} submits ${t.plan.meetingId} late: ${t.plan.audioSeconds} s, priority ${t.plan.priority} → ${where}`);
  }

  /** Every user looks at their job's status (and may react to it). */
  async poll(): Promise<void> {
    const live = this.tracked.filter((t) => t.job !== null && !isFinal(t.status));
    await Promise.all(
      live.map(async (t) => {
        t.status = await (t.job as JobHandle).status();
        await this.maybeCancel(t);
      }),
    );
  }

  private async maybeCancel(t: Tracked): Promise<void> {
    const at = t.plan.cancelAtPercent;
    const st = t.status;
    if (at === undefined || t.cancelSentAt !== null || st?.state !== 'running') return;
    const percent = st.progress?.percent ?? 0;
    if (percent < at) return;
    t.cancelSentAt = percent;
    this.opts.log(`${t.plan.user} cancels ${t.plan.meetingId} at ${Math.round(percent)}% (recorded the wrong meeting)`);
    await (t.job as JobHandle).cancel();
    t.status = await (t.job as JobHandle).status();
  }

  /** Counts a failed attempt that Waitline will retry. */
  noteRetry(jobId: string): Tracked | undefined {
    const t = this.tracked.find((x) => x.job?.id === jobId);
    if (t) t.retries++;
    return t;
  }

  /** True once every meeting was submitted and every job reached a final state. */
  allFinal(): boolean {
    return this.pending === 0 && this.tracked.every((t) => isFinal(t.status));
  }

  /** The rows to show, in submission order. */
  rows(): JobRow[] {
    return this.tracked
      .filter((t) => t.job !== null)
      .map((t) => ({
        meetingId: t.plan.meetingId,
        user: t.plan.user,
        audioSeconds: t.plan.audioSeconds,
        priority: t.plan.priority,
        status: t.status,
      }));
  }

  /** Stops pending submissions (on shutdown). */
  stop(): void {
    for (const timer of this.timers) clearTimeout(timer);
  }
}

function isFinal(st: StatusView | null): boolean {
  return st !== null && (st.state === 'completed' || st.state === 'failed' || st.state === 'cancelled');
}

/** One thing the story promised, and whether it happened. */
export interface Check {
  ok: boolean;
  text: string;
}

/** Did the run go as the story says? */
export function checkScenario(tracked: readonly Tracked[]): Check[] {
  const checks: Check[] = [];
  for (const t of tracked) {
    const st = t.status;
    const id = t.plan.meetingId;
    if (t.plan.flakyDownload) {
      const ok = st?.state === 'completed' && st.attempt >= 2 && t.retries >= 1;
      checks.push({ ok, text: `${id}: first download corrupt, retried with backoff, completed on attempt ${st?.attempt ?? '?'}` });
    } else if (t.plan.cancelAtPercent !== undefined) {
      const ok = st?.state === 'cancelled' && t.cancelSentAt !== null;
      checks.push({ ok, text: `${id}: cancelled by ${t.plan.user} while running (ended ${st?.state ?? 'unknown'})` });
    } else {
      checks.push(...completedChecks(t));
    }
    if (t.plan.late) checks.push(overtakeCheck(t, tracked));
    if (t.plan.expectPosition !== undefined || t.plan.startsBefore !== undefined) checks.push(turnCheck(t, tracked));
  }
  return checks;
}

/** The `--groups` promise: the position on submit, and the earlier meetings this one starts before. */
function turnCheck(t: Tracked, tracked: readonly Tracked[]): Check {
  const started = t.status?.startedAt ?? Number.POSITIVE_INFINITY;
  const before = t.plan.startsBefore ?? [];
  const later = before.filter((id) => (tracked.find((o) => o.plan.meetingId === id)?.status?.startedAt ?? Number.POSITIVE_INFINITY) > started);
  const position = t.plan.expectPosition === undefined || t.positionWhenAdded === t.plan.expectPosition;
  const ok = position && later.length === before.length;
  const where = t.positionWhenAdded === null ? 'started at once' : `#${t.positionWhenAdded}`;
  return { ok, text: `${t.plan.meetingId} (${t.plan.user}): ${where} on submit, started before ${later.length} of ${before.join(', ')} by taking turns` };
}

function completedChecks(t: Tracked): Check[] {
  const st = t.status;
  const id = t.plan.meetingId;
  if (st?.state !== 'completed') return [{ ok: false, text: `${id}: expected completed, ended ${st?.state ?? 'unknown'}` }];
  const speakers = (st.result as { speakers?: number } | null)?.speakers;
  const want = t.plan.voices.length;
  return [{ ok: speakers === want, text: `${id}: completed, ${speakers} of ${want} speakers found` }];
}

function overtakeCheck(t: Tracked, tracked: readonly Tracked[]): Check {
  const started = t.status?.startedAt ?? Number.POSITIVE_INFINITY;
  const laterStarters = t.overtook.filter((id) => {
    const other = tracked.find((o) => o.plan.meetingId === id)?.status;
    return other?.startedAt !== null && other?.startedAt !== undefined && other.startedAt < started;
  });
  if (t.overtook.length === 0) return { ok: true, text: `${t.plan.meetingId}: nothing was waiting when it arrived` };
  // Another worker process may start it before its position is first read: that is overtaking too.
  const ok = (t.positionWhenAdded === 1 || t.positionWhenAdded === null) && laterStarters.length === 0;
  const at = t.positionWhenAdded === null ? 'started at once' : `at #${t.positionWhenAdded}`;
  return { ok, text: `${t.plan.meetingId}: arrived late ${at}, started before the ${t.overtook.length} jobs waiting then` };
}
