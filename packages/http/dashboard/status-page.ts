/**
 * The page an app links its users to for one job: "Queued (#3) · ~2 min", then a progress bar with
 * its stage, then Completed, Failed or Cancelled. It reads only the public routes: the job's status
 * once, then its SSE stream (closed by the page at a final state, so the browser does not reconnect),
 * with a slow poll while the stream is down.
 * @module
 */
import { useEffect, useState } from 'preact/hooks';
import { ApiError, apiUrl, describeError, getJson, streamError } from './api.js';
import { finishesIn, formatClock, formatEstimate, startsIn } from './format.js';
import { html } from './html.js';
import { everyWhileVisible, type LiveState, openStream } from './live.js';
import type { PublicJobStatus } from './types.js';

const POLL_MS = 5_000;
const FINAL = new Set(['completed', 'failed', 'cancelled']);

interface Watch {
  status: PublicJobStatus | null;
  error: ApiError | Error | null;
  live: LiveState;
}

type Update = Partial<Watch>;

/**
 * Follows one job's public status until it reaches a final state (or turns out not to exist):
 * the status once, then its stream, and a poll while the stream is not live. Returns a stop function.
 */
function watchJob(queue: string, jobId: string, update: (u: Update) => void): () => void {
  let done = false;
  let live: LiveState = 'connecting';
  const stop: (() => void)[] = [];
  const finish = () => {
    done = true;
    for (const f of stop) f();
  };
  const apply = (status: PublicJobStatus) => {
    if (done) return;
    update({ status, error: null });
    if (FINAL.has(status.state)) finish();
  };
  const fail = (err: Error) => {
    if (done) return;
    update({ error: err });
    if (err instanceof ApiError && (err.status === 404 || err.code === 'JOB_NOT_FOUND')) finish();
  };
  const load = () => getJson<PublicJobStatus>(['jobs', queue, jobId]).then(apply, fail);
  const listeners = {
    status: (data: unknown) => apply(data as PublicJobStatus),
    // The handler's `failure` event: the job vanished, or the storage failed.
    failure: (data: unknown) => {
      const err = streamError(data);
      if (err) fail(err);
    },
  };
  const onState = (state: LiveState) => {
    live = state;
    if (!done) update({ live: state });
  };
  stop.push(openStream(apiUrl(['jobs', queue, jobId, 'events']), listeners, onState));
  stop.push(everyWhileVisible(() => live !== 'live' && void load(), POLL_MS));
  void load();
  return finish;
}

/** {@link watchJob} as state. */
function useJobStatus(queue: string, jobId: string): Watch {
  const [watch, setWatch] = useState<Watch>({ status: null, error: null, live: 'connecting' });
  useEffect(() => watchJob(queue, jobId, (u) => setWatch((w) => ({ ...w, ...u }))), [queue, jobId]);
  return watch;
}

/** The headline: what a user most wants to know, in a few words. */
export function headline(s: PublicJobStatus, now = Date.now()): string {
  switch (s.state) {
    case 'queued': {
      if (s.scheduled) return `Scheduled · starts ${s.runAt - now < 60_000 ? 'in a moment' : `at ${formatClock(s.runAt)}`}`;
      const place = s.position === null ? 'Queued' : `Queued (#${s.position})`;
      const wait = startsIn(s.eta);
      return wait ? `${place} · ${wait}` : place;
    }
    case 'running':
      return s.cancelRequested ? 'Cancelling…' : 'Running';
    case 'completed':
      return 'Completed';
    case 'failed':
      return 'Failed';
    case 'cancelled':
      return 'Cancelled';
  }
}

function Details({ s }: { s: PublicJobStatus }) {
  const lines: string[] = [];
  if (s.state === 'queued' && s.attempt > 0) lines.push(`Retrying: attempt ${s.attempt + 1} of ${s.maxAttempts}`);
  if (s.state === 'queued' && s.eta?.finishesInMs != null) lines.push(`Should be done in ${formatEstimate(s.eta.finishesInMs)}`);
  if (s.state === 'running' && finishesIn(s.eta)) lines.push(finishesIn(s.eta));
  if (FINAL.has(s.state) && s.finishedAt !== null) lines.push(`Finished at ${formatClock(s.finishedAt)}`);
  if (s.state === 'failed' && s.error) lines.push(s.error.message);
  return html`${lines.map((l) => html`<p class="detail-line">${l}</p>`)}`;
}

function Progress({ s }: { s: PublicJobStatus }) {
  if (s.state !== 'running') return null;
  const percent = s.progress?.percent ?? null;
  const stage = s.progress?.stage ?? null;
  const text = [percent === null ? null : `${Math.round(percent)}%`, stage].filter(Boolean).join(' · ');
  return html`
    <div class="progress">
      <progress aria-label="Progress" max="100" value=${percent ?? undefined}></progress>
      <p class="progress-text">${text || 'Started'}</p>
    </div>
  `;
}

/** The status page of one job. */
export function StatusPage({ queue, jobId }: { queue: string; jobId: string }) {
  const { status, error, live } = useJobStatus(queue, jobId);
  const title = status ? headline(status) : error ? 'Status unavailable' : 'Loading…';
  useEffect(() => {
    document.title = `${title} · ${queue}`;
  }, [title, queue]);
  const notFound = error instanceof ApiError && (error.status === 404 || error.code === 'JOB_NOT_FOUND');
  return html`
    <main class=${`status-card state-${status?.state ?? 'unknown'}`}>
      <p class="job-ref">${queue} · <span class="job-id">${jobId}</span></p>
      <h1 aria-live="polite" aria-atomic="true">${notFound ? 'Job not found' : title}</h1>
      ${status ? html`<${Progress} s=${status} /><${Details} s=${status} />` : null}
      ${error && !notFound ? html`<p class="error-text" role="alert">${describeError(error)}</p>` : null}
      ${status && !FINAL.has(status.state) && live !== 'live' ? html`<p class="muted small">Refreshing every few seconds.</p>` : null}
    </main>
  `;
}
