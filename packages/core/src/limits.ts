/**
 * The bounds every input is held to, so that each value fits every storage (SQLite, Postgres,
 * Redis) and Node's timers, and the one rule for text: no NUL and no lone UTF-16 surrogate.
 *
 * Why these numbers:
 * - Node's `setTimeout` holds at most 2^31−1 ms (about 24.8 days); a longer timer fires after
 *   1 ms. Every option that becomes a timer is bounded by {@link MAX_TIMER_MS}.
 * - Redis orders ready jobs by one double, `(1000 − priority) · 2^43 + runAt`, exact only while
 *   `runAt < 2^43` ms (in the year 2248). {@link MAX_RUN_AT} is a round date well below that;
 *   SQLite and Postgres hold it in a 64-bit integer.
 * - Postgres refuses NUL in text and JSON strings, and a lone surrogate cannot be encoded as
 *   UTF-8 (SQLite and Redis would silently rewrite it to U+FFFD). Refusing both everywhere is what
 *   makes text behave the same on every storage.
 * @module
 */

/**
 * The largest count a queue setting or a stored job may hold (`concurrency`, `maxSize`,
 * `groupConcurrency`, `groupMaxWaiting`, attempts and stalls in an import): 2^31−1, what a
 * Postgres `integer` column keeps. A larger one is a `ValidationError`, never a storage error.
 */
export const MAX_COUNT = 2_147_483_647;

/** The longest timeout (in ms) Node's timers hold: 2^31−1, about 24.8 days. Bounds every `*Ms` option that becomes a timer. */
export const MAX_TIMER_MS = 2_147_483_647;

/**
 * The latest time a job may be scheduled for: 2200-01-01T00:00:00Z in ms since the epoch. A
 * `runAt`, `now + delayMs` and a computed retry time never exceed it (a retry time beyond it is
 * clamped to it). Every storage orders times up to it exactly.
 */
export const MAX_RUN_AT = Date.UTC(2200, 0, 1);

/**
 * The longest delay (in ms) an option may ask for: 100 years of 365.25 days. Bounds `delayMs`,
 * every backoff value (`fixed.delayMs`, `exponential.baseMs`/`maxMs`, `list.delaysMs`) and what a
 * custom backoff function returns (a longer delay is clamped to it).
 */
export const MAX_DELAY_MS = 3_155_760_000_000;

/** The most jobs one `listJobs` page returns. */
export const MAX_LIST_LIMIT = 1_000;

/** The largest `offset` of a `listJobs` page. */
export const MAX_LIST_OFFSET = 2_147_483_647;

/**
 * The largest `offset` of a claim-order page (`listWaiting`): such a page reads every job before
 * it, so the listing reaches the first 100,000 waiting jobs and no further.
 */
export const MAX_WAITING_OFFSET = 100_000;

/**
 * A count limit of a read (`sampleLimit`, `dueAheadLimit`, ...) as a storage passes it to SQL or a
 * script: a whole number from 0 to 2^31 - 1, so a fraction rounds down, a negative or NaN reads
 * as 0, and Infinity (no limit) as more rows than any read returns. For storage authors.
 */
export function countLimit(n: number): number {
  return Number.isNaN(n) ? 0 : Math.max(0, Math.min(Math.floor(n), MAX_LIST_OFFSET));
}

/** The deepest nesting of arrays and objects a payload, result or progress `data` may have. */
export const MAX_JSON_DEPTH = 256;

/** The replacement character written in place of a NUL or lone surrogate by {@link sanitizeText}. */
export const REPLACEMENT_CHARACTER = '\uFFFD';

// A NUL, a high surrogate not followed by a low one, or a low surrogate not preceded by a high one.
// Built from a string so the NUL is spelled as an escape the linter accepts.
const UNSTORABLE_SOURCE = '\\x00|[\\uD800-\\uDBFF](?![\\uDC00-\\uDFFF])|(?<![\\uD800-\\uDBFF])[\\uDC00-\\uDFFF]';
const UNSTORABLE = new RegExp(UNSTORABLE_SOURCE);
const UNSTORABLE_ALL = new RegExp(UNSTORABLE_SOURCE, 'g');

/**
 * Why `text` cannot be stored (a phrase such as "holds a NUL character (U+0000) at index 3"), or
 * null when it can: every storage keeps text exactly when it holds no NUL (U+0000) and no lone
 * UTF-16 surrogate. Non-BMP characters (emoji) are fine.
 */
export function textProblem(text: string): string | null {
  const match = UNSTORABLE.exec(text);
  if (!match) return null;
  const unit = match[0].charCodeAt(0);
  const what = unit === 0 ? 'a NUL character (U+0000)' : `a lone surrogate (U+${unit.toString(16).toUpperCase()})`;
  return `holds ${what} at index ${match.index}, which no storage keeps exactly`;
}

/** True when every storage keeps `text` exactly: no NUL, no lone surrogate. */
export function isStorableText(text: string): boolean {
  return !UNSTORABLE.test(text);
}

/**
 * `text` with every NUL and lone surrogate replaced by U+FFFD, so it can always be stored. Used for
 * diagnostics (a handler's error message and stack), which are kept rather than refused.
 */
export function sanitizeText(text: string): string {
  return UNSTORABLE.test(text) ? text.replace(UNSTORABLE_ALL, REPLACEMENT_CHARACTER) : text;
}

/**
 * The most UTF-16 code units kept of each field of a recorded error (`JobErrorInfo`): a handler's
 * error is diagnostics, and one that carries megabytes (a whole response body in its message) would
 * otherwise be written with every failed attempt. Longer text is cut, saying how much was left out.
 */
export const MAX_ERROR_TEXT = { name: 256, code: 256, message: 16_384, stack: 65_536 } as const;

/** `text` cut to at most `max` code units (never inside a surrogate pair), ending with how many were cut. */
export function truncateText(text: string, max: number): string {
  if (text.length <= max) return text;
  const note = (cut: number) => `… [${cut} more characters]`;
  let keep = Math.max(0, max - note(text.length).length);
  const last = text.charCodeAt(keep - 1);
  if (last >= 0xd800 && last <= 0xdbff) keep -= 1;
  return text.slice(0, keep) + note(text.length - keep);
}
