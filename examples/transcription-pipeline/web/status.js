// @ts-check
/**
 * What a meeting's card says, from the public status Waitline's SSE route sends
 * (`GET /waitline/jobs/:queue/:id/events`, see docs/http.md). Pure functions, no DOM: the page
 * (meetings.js) renders them, and the example's tests import them.
 *
 * Estimates age between two events: the page passes how long ago the status arrived, so
 * "~40 s" counts down without asking the server again. (The server sends a new status when the
 * state, position, stage, percent or the estimate's 5-second step changes.)
 */

/**
 * The public status fields the page reads.
 * @typedef {{
 *   id: string,
 *   state: 'queued' | 'running' | 'completed' | 'failed' | 'cancelled',
 *   scheduled: boolean,
 *   position: number | null,
 *   eta: { startsInMs: number | null, finishesInMs: number | null, low: number | null, high: number | null, basis: string } | null,
 *   progress: { percent: number | null, stage: string | null } | null,
 *   attempt: number,
 *   maxAttempts: number,
 *   runAt: number,
 *   createdAt: number,
 *   startedAt: number | null,
 *   finishedAt: number | null,
 *   cancelRequested: boolean,
 *   error?: { message: string } | null,
 * }} PublicStatus
 */

/**
 * What a card shows: a headline, a detail line, and a progress bar while the job runs.
 * @typedef {{
 *   tone: 'connecting' | 'queued' | 'waiting' | 'retrying' | 'running' | 'done' | 'failed' | 'cancelled',
 *   headline: string,
 *   detail: string,
 *   progress: { percent: number, label: string } | null,
 *   final: boolean,
 * }} CardView
 */

/** The handler's stages (src/pipeline.ts), as a user reads them. */
const STAGES = /** @type {Record<string, string>} */ ({
  download: 'Downloading',
  transcribe: 'Transcribing',
  speakers: 'Finding speakers',
});

/**
 * The public SSE route of one job: `${api}/jobs/${queue}/${jobId}/events`.
 * @param {string} api where the Waitline handler is mounted, such as `/waitline`
 * @param {string} queue
 * @param {string} jobId
 * @returns {string}
 */
export function eventsUrl(api, queue, jobId) {
  return `${api}/jobs/${encodeURIComponent(queue)}/${encodeURIComponent(jobId)}/events`;
}

/**
 * `4.2 s`, `42 s`, `2 min 5 s`: a measured time.
 * @param {number} ms
 * @returns {string}
 */
export function formatDuration(ms) {
  const s = Math.max(0, ms) / 1000;
  if (s < 10) return `${s.toFixed(1)} s`;
  if (s < 60) return `${Math.round(s)} s`;
  const m = Math.floor(s / 60);
  const rest = Math.round(s - m * 60);
  return rest === 0 ? `${m} min` : `${m} min ${rest} s`;
}

/**
 * `~8 s`, `~42 s`, `~2 min`: an estimate, rounded the way people say it.
 * @param {number} ms
 * @returns {string}
 */
export function formatEstimate(ms) {
  const s = Math.max(0, ms) / 1000;
  if (s < 60) return `~${Math.max(1, Math.round(s))} s`;
  return `~${Math.round(s / 60)} min`;
}

/**
 * True once the job can change no more (the page closes its stream then).
 * @param {string} state
 * @returns {boolean}
 */
export function isFinal(state) {
  return state === 'completed' || state === 'failed' || state === 'cancelled';
}

/**
 * What a card says about its job.
 * @param {PublicStatus | null} status the latest status, null before the first one
 * @param {{ now: number, ageMs: number }} clock `now` for retry countdowns (against `runAt`);
 *   `ageMs`, how long ago the status arrived, ages the estimates
 * @returns {CardView}
 */
export function describeStatus(status, clock) {
  if (status === null) return view('connecting', 'Connecting…', '');
  switch (status.state) {
    case 'queued':
      return describeQueued(status, clock);
    case 'running':
      return describeRunning(status, clock.ageMs);
    case 'completed': {
      const took = status.startedAt !== null && status.finishedAt !== null ? formatDuration(status.finishedAt - status.startedAt) : '?';
      // After a retry, startedAt is the last attempt's start: the wait in line is then unknown.
      const waited = status.startedAt !== null && status.attempt <= 1 ? `Waited ${formatDuration(status.startedAt - status.createdAt)} in line` : '';
      return view('done', `Done in ${took}`, waited || retried(status), null, true);
    }
    case 'failed':
      return view('failed', `Failed: ${status.error?.message ?? 'the transcription did not succeed'}`, retried(status), null, true);
    case 'cancelled': {
      const at = status.progress?.percent;
      return view('cancelled', 'Cancelled', typeof at === 'number' ? `Stopped at ${Math.round(at)}%` : '', null, true);
    }
  }
  return view('connecting', `Unknown state "${status.state}"`, '');
}

/**
 * @param {PublicStatus} st
 * @param {{ now: number, ageMs: number }} clock
 * @returns {CardView}
 */
function describeQueued(st, { now, ageMs }) {
  if (st.scheduled && st.attempt > 0) {
    const inMs = st.runAt - now;
    const when = inMs > 0 ? `Retrying in ${formatDuration(inMs)}` : 'Retrying now';
    const why = st.error?.message ? `Attempt ${st.attempt} failed: ${st.error.message}` : `Attempt ${st.attempt} failed`;
    return view('retrying', `${when} (attempt ${st.attempt + 1} of ${st.maxAttempts})`, why);
  }
  if (st.scheduled) return view('queued', `Scheduled in ${formatDuration(st.runAt - now)}`, '');
  const place = st.position === null ? 'Queued' : `Queued (#${st.position})`;
  const eta = st.eta;
  if (eta?.basis === 'no-workers') return view('waiting', `${place} · waiting for a worker`, 'No worker is running right now; it starts when one is back.');
  if (eta?.basis === 'paused') return view('waiting', `${place} · paused`, 'Processing is paused for now; it starts once it resumes.');
  if (eta === null || eta.finishesInMs === null) return view('queued', `${place} · no estimate yet`, 'An estimate appears once a first meeting is done.');
  const finishes = formatEstimate(eta.finishesInMs - ageMs);
  const starts = eta.startsInMs === null ? '' : `Starts in ${formatEstimate(eta.startsInMs - ageMs)}, ready in ${finishes}`;
  return view('queued', `${place} · ${finishes}`, starts);
}

/**
 * @param {PublicStatus} st
 * @param {number} ageMs
 * @returns {CardView}
 */
function describeRunning(st, ageMs) {
  const percent = Math.max(0, Math.min(100, st.progress?.percent ?? 0));
  const stage = st.progress?.stage ? (STAGES[st.progress.stage] ?? st.progress.stage) : 'Starting';
  const label = `${stage} · ${Math.round(percent)}%`;
  if (st.cancelRequested) return view('running', 'Cancelling…', label, { percent, label });
  const left = st.eta?.finishesInMs != null ? `${formatEstimate(st.eta.finishesInMs - ageMs)} left` : '';
  return view('running', label, [left, retried(st)].filter(Boolean).join(' · '), { percent, label });
}

/**
 * `Attempt 2 of 3` when the job needed more than one.
 * @param {PublicStatus} st
 * @returns {string}
 */
function retried(st) {
  return st.attempt > 1 ? `Attempt ${st.attempt} of ${st.maxAttempts}` : '';
}

/**
 * @param {CardView['tone']} tone
 * @param {string} headline
 * @param {string} detail
 * @param {CardView['progress']} [progress]
 * @param {boolean} [final]
 * @returns {CardView}
 */
function view(tone, headline, detail, progress = null, final = false) {
  return { tone, headline, detail, progress, final };
}
