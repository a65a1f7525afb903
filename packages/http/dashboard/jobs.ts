/**
 * The selected queue's jobs: running (live progress, cancel), waiting (position and ETA, priority,
 * promote, cancel) and finished (the dead letters with their error, retry).
 * @module
 */
import { basePath } from './api.js';
import { finishesIn, formatClock, formatDuration, queuedLabel } from './format.js';
import { html } from './html.js';
import type { AdminJob, FinishedState } from './types.js';

/** A job-level action, named as its route. */
export type JobAction = { kind: 'cancel' } | { kind: 'retry' } | { kind: 'promote' } | { kind: 'priority'; priority: number };

/** What every list needs from the app. */
export interface JobListProps {
  jobs: AdminJob[];
  busy: ReadonlySet<string>;
  onAction: (job: AdminJob, action: JobAction) => void;
}

/** The key under which an action on a job is marked in flight. */
export function busyKey(jobId: string, kind: JobAction['kind']): string {
  return `job:${jobId}:${kind}`;
}

function statusUrl(job: AdminJob): string {
  return `${basePath()}/status/${encodeURIComponent(job.queue)}/${encodeURIComponent(job.id)}`;
}

function JobTitle({ job }: { job: AdminJob }) {
  return html`
    <div class="job-title">
      <a href=${statusUrl(job)} class="job-id" title="This job's public status page">${job.id}</a>
      <span class="muted">${job.name}</span>
      ${job.group !== null ? html`<span class="badge group" title="The group this job takes turns with">${job.group}</span>` : null}
    </div>
  `;
}

function Attempts({ job }: { job: AdminJob }) {
  return html`<span>attempt ${job.attempt} of ${job.maxAttempts}</span>`;
}

function RunningItem({ job, busy, onAction }: { job: AdminJob } & Omit<JobListProps, 'jobs'>) {
  const p = job.progress;
  const label = `Progress of job ${job.id}`;
  const text = [p?.percent == null ? null : `${Math.round(p.percent)}%`, p?.stage ?? null].filter(Boolean).join(' · ') || 'started';
  const cancelling = job.cancelRequested;
  return html`
    <li class="job running" data-job=${job.id} key=${job.id}>
      <${JobTitle} job=${job} />
      <div class="progress">
        <progress aria-label=${label} max="100" value=${p?.percent ?? undefined}></progress>
        <span class="progress-text">${text}</span>
      </div>
      <p class="meta small">
        <span>started ${formatClock(job.startedAt)}</span>
        <${Attempts} job=${job} />
        ${finishesIn(job.eta) ? html`<span>${finishesIn(job.eta)}</span>` : null}
        ${cancelling ? html`<span class="badge cancelling">cancelling…</span>` : null}
      </p>
      <div class="actions">
        <button type="button" class="danger" disabled=${cancelling || busy.has(busyKey(job.id, 'cancel'))}
          aria-label=${`Cancel job ${job.id}`} onClick=${() => onAction(job, { kind: 'cancel' })}>Cancel</button>
      </div>
    </li>
  `;
}

function PriorityForm({ job, busy, onAction }: { job: AdminJob } & Omit<JobListProps, 'jobs'>) {
  const id = `priority-${job.id}`;
  const submit = (event: Event) => {
    event.preventDefault();
    const input = (event.currentTarget as HTMLFormElement).elements.namedItem('priority') as HTMLInputElement;
    onAction(job, { kind: 'priority', priority: Number(input.value) });
  };
  return html`
    <form class="priority" onSubmit=${submit}>
      <label for=${id}>Priority</label>
      <input id=${id} name="priority" type="number" inputmode="numeric" min="1" max="1000" step="1" required defaultValue=${String(job.priority)} />
      <button type="submit" disabled=${busy.has(busyKey(job.id, 'priority'))} aria-label=${`Set the priority of job ${job.id}`}>Set</button>
    </form>
  `;
}

function WaitingItem(props: { job: AdminJob } & Omit<JobListProps, 'jobs'>) {
  const { job, busy, onAction } = props;
  const scheduled = job.runAt > Date.now() && job.position === null;
  const where = scheduled ? `scheduled for ${formatClock(job.runAt)}` : queuedLabel(job.position, job.eta) || 'waiting';
  return html`
    <li class="job waiting" data-job=${job.id} key=${job.id}>
      <div class="job-head">
        <strong class="place">${where}</strong>
        <${JobTitle} job=${job} />
      </div>
      <p class="meta small">
        <span>added ${formatClock(job.createdAt)}</span>
        ${job.attempt > 0 ? html`<${Attempts} job=${job} />` : null}
      </p>
      <div class="actions">
        <${PriorityForm} ...${props} />
        ${
          scheduled
            ? html`<button type="button" disabled=${busy.has(busyKey(job.id, 'promote'))} aria-label=${`Promote job ${job.id}: make it ready now`}
                onClick=${() => onAction(job, { kind: 'promote' })}>Promote</button>`
            : null
        }
        <button type="button" class="danger" disabled=${busy.has(busyKey(job.id, 'cancel'))} aria-label=${`Cancel job ${job.id}`}
          onClick=${() => onAction(job, { kind: 'cancel' })}>Cancel</button>
      </div>
    </li>
  `;
}

function FinishedItem({ job, busy, onAction }: { job: AdminJob } & Omit<JobListProps, 'jobs'>) {
  const err = job.error;
  const ran = job.startedAt !== null && job.finishedAt !== null ? formatDuration(job.finishedAt - job.startedAt) : null;
  return html`
    <li class=${`job ${job.state}`} data-job=${job.id} key=${job.id}>
      <${JobTitle} job=${job} />
      <p class="meta small">
        <span class=${`badge state-${job.state}`}>${job.state}</span>
        <span>at ${formatClock(job.finishedAt)}</span>
        <${Attempts} job=${job} />
        ${ran ? html`<span>ran ${ran}</span>` : null}
      </p>
      ${err && job.state === 'failed' ? html`<p class="error-text"><strong>${err.name}${err.code ? ` (${err.code})` : ''}:</strong> ${err.message}</p>` : null}
      ${
        job.state === 'completed'
          ? null
          : html`<div class="actions">
              <button type="button" disabled=${busy.has(busyKey(job.id, 'retry'))} aria-label=${`Retry job ${job.id}`}
                onClick=${() => onAction(job, { kind: 'retry' })}>Retry</button>
            </div>`
      }
    </li>
  `;
}

function List({ jobs, empty, item }: { jobs: AdminJob[]; empty: string; item: (job: AdminJob) => unknown }) {
  if (jobs.length === 0) return html`<p class="muted">${empty}</p>`;
  return html`<ul class="jobs">${jobs.map(item)}</ul>`;
}

/** Running jobs with their live progress. */
export function RunningJobs(props: JobListProps) {
  return html`<${List} jobs=${props.jobs} empty="No job running." item=${(job: AdminJob) => html`<${RunningItem} key=${job.id} job=${job} ...${props} />`} />`;
}

/** Waiting jobs in claim order with their position and ETA. */
export function WaitingJobs(props: JobListProps) {
  return html`<${List} jobs=${props.jobs} empty="No job waiting." item=${(job: AdminJob) => html`<${WaitingItem} key=${job.id} job=${job} ...${props} />`} />`;
}

/** Finished jobs of one state, newest first; failed ones (the dead letters) show their error. */
export function FinishedJobs(props: JobListProps & { state: FinishedState; onState: (state: FinishedState) => void }) {
  const change = (event: Event) => props.onState((event.currentTarget as HTMLSelectElement).value as FinishedState);
  return html`
    <div class="finished">
      <label class="inline">Show
        <select value=${props.state} onChange=${change}>
          <option value="failed">failed (dead letters)</option>
          <option value="cancelled">cancelled</option>
          <option value="completed">completed</option>
        </select>
      </label>
      <${List} jobs=${props.jobs} empty=${`No ${props.state} job.`} item=${(job: AdminJob) => html`<${FinishedItem} key=${job.id} job=${job} ...${props} />`} />
    </div>
  `;
}
