/**
 * The example app's page: one card per meeting, live.
 *
 * - The list of meetings comes from the example's own `/meetings.json` (meeting id ↔ job id, user,
 *   audio length, priority). Meetings are submitted over time, so the page polls it every second
 *   until it says `complete` (every meeting submitted).
 * - Each card follows its job through Waitline's public SSE route (one EventSource per meeting),
 *   and closes it once the job is final (the server ends the stream then; an open EventSource would
 *   reconnect).
 * - State changes are announced in one polite live region; the cards themselves are not live
 *   (their estimates tick every second).
 */
import { describeStatus, eventsUrl, isFinal } from './status.js';

const POLL_MS = 1000;
const list = /** @type {HTMLUListElement} */ (document.getElementById('meetings'));
const notice = /** @type {HTMLElement} */ (document.getElementById('notice'));
const announcer = /** @type {HTMLElement} */ (document.getElementById('announcer'));
/** @type {Map<string, Card>} job id → card */
const cards = new Map();

/**
 * @typedef {{ meetingId: string, jobId: string, user: string, audioSeconds: number, priority: string }} Meeting
 * @typedef {{ meeting: Meeting, el: HTMLElement, status: any, receivedAt: number, problem: string, tone: string, source: EventSource | null }} Card
 */

async function pollMeetings() {
  try {
    const response = await fetch('/meetings.json', { cache: 'no-store' });
    if (!response.ok) throw new Error(`the server answered ${response.status}`);
    const body = await response.json();
    for (const meeting of body.meetings) if (!cards.has(meeting.jobId)) addCard(meeting, body.api, body.queue);
    showNotice(body.meetings.length === 0 ? 'No meeting submitted yet.' : '');
    if (body.complete) return;
  } catch (err) {
    showNotice(`Cannot read the list of meetings (${err instanceof Error ? err.message : err}); trying again.`);
  }
  setTimeout(pollMeetings, POLL_MS);
}

/** @param {string} text */
function showNotice(text) {
  notice.textContent = text;
  notice.hidden = text === '';
}

/**
 * @param {Meeting} meeting
 * @param {string} api
 * @param {string} queue
 */
function addCard(meeting, api, queue) {
  const el = cardElement(meeting);
  list.append(el);
  /** @type {Card} */
  const card = { meeting, el, status: null, receivedAt: Date.now(), problem: '', tone: '', source: null };
  cards.set(meeting.jobId, card);
  follow(card, eventsUrl(api, queue, meeting.jobId));
  render(card);
}

/**
 * @param {Card} card
 * @param {string} url
 */
function follow(card, url) {
  const source = new EventSource(url);
  card.source = source;
  source.addEventListener('status', (event) => {
    card.status = JSON.parse(/** @type {MessageEvent} */ (event).data);
    card.receivedAt = Date.now();
    card.problem = '';
    if (isFinal(card.status.state)) stop(card);
    render(card);
  });
  source.addEventListener('error', (event) => {
    const data = /** @type {MessageEvent} */ (event).data;
    if (typeof data === 'string' && data !== '') {
      // The server's own `event: error` (the status could not be read); the stream ends after it.
      card.problem = `Status unavailable: ${JSON.parse(data).error?.message ?? 'unknown error'}`;
      stop(card);
    } else if (source.readyState === EventSource.CLOSED) {
      card.problem = 'Live updates stopped (the server refused the stream).';
    } else {
      card.problem = 'Reconnecting…'; // EventSource retries by itself
    }
    render(card);
  });
}

/** @param {Card} card */
function stop(card) {
  card.source?.close();
  card.source = null;
}

/**
 * @param {Meeting} meeting
 * @returns {HTMLElement}
 */
function cardElement(meeting) {
  const template = /** @type {HTMLTemplateElement} */ (document.getElementById('card'));
  const el = /** @type {HTMLElement} */ (/** @type {DocumentFragment} */ (template.content.cloneNode(true)).firstElementChild);
  const titleId = `title-${meeting.jobId}`;
  el.dataset.jobId = meeting.jobId;
  el.dataset.meetingId = meeting.meetingId;
  el.setAttribute('aria-labelledby', titleId);
  const title = field(el, 'title');
  title.id = titleId;
  title.textContent = meeting.meetingId;
  field(el, 'user').textContent = meeting.user;
  field(el, 'audio').textContent = `${Math.round(meeting.audioSeconds)} s`;
  const priority = field(el, 'priority');
  priority.textContent = meeting.priority;
  priority.dataset.priority = meeting.priority;
  field(el, 'progress').setAttribute('aria-label', `${meeting.meetingId} progress`);
  return el;
}

/**
 * @param {HTMLElement} el
 * @param {string} name
 * @returns {HTMLElement}
 */
function field(el, name) {
  return /** @type {HTMLElement} */ (el.querySelector(`[data-field="${name}"]`));
}

/** @param {Card} card */
function render(card) {
  const now = Date.now();
  const view = describeStatus(card.status, { now, ageMs: now - card.receivedAt });
  const { el } = card;
  el.dataset.state = view.tone;
  setText(field(el, 'headline'), view.headline);
  setText(field(el, 'detail'), card.problem || view.detail);
  const bar = field(el, 'bar');
  bar.hidden = view.progress === null;
  if (view.progress) {
    const progress = /** @type {HTMLProgressElement} */ (field(el, 'progress'));
    progress.value = view.progress.percent;
    progress.textContent = `${Math.round(view.progress.percent)}%`;
    progress.setAttribute('aria-valuetext', view.progress.label);
  }
  if (view.tone !== card.tone && view.tone !== 'connecting') {
    // Announce state changes only (queued → running → done), not every tick of an estimate.
    if (card.tone !== '' || view.final) announcer.textContent = `${card.meeting.meetingId}: ${view.headline}`;
    card.tone = view.tone;
  }
}

/**
 * @param {HTMLElement} el
 * @param {string} text
 */
function setText(el, text) {
  if (el.textContent !== text) el.textContent = text;
}

// Estimates and retry countdowns age between events.
setInterval(() => {
  for (const card of cards.values()) if (card.source !== null) render(card);
}, 1000);

pollMeetings();
