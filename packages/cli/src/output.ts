/**
 * What commands print: aligned tables for people, JSON with `--json`, and errors as
 * `error CODE: message (at path)`.
 * @module
 */
import { type JobRecord, maskJobSecrets, SchemaVersionError, WaitlineError } from '@waitline/core';

/** Where a command writes; tests pass their own. */
export interface Out {
  /** Writes to standard output (results). */
  write(text: string): void;
  /** Writes to standard error (errors and usage). */
  error(text: string): void;
  /** True when results go to a terminal, which `watch` redraws in place. */
  readonly tty?: boolean;
}

/** The process's stdout and stderr. */
export const processOut: Out = {
  write: (text) => process.stdout.write(text),
  error: (text) => process.stderr.write(text),
  get tty() {
    return process.stdout.isTTY === true;
  },
};

/** The short escapes of the commonest control characters; every other one is shown as `\uXXXX`. */
const SHORT_ESCAPES: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** True for a character a terminal does not print as itself: C0, DEL, C1, and U+2028/U+2029 (line breaks). */
function isUnprintable(code: number): boolean {
  return code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029;
}

/**
 * `text` safe for a terminal: each control character (a newline, a carriage return, the ESC that
 * starts a terminal escape sequence, a bell) written as its escape (`\n`, `\u001b`). Text a job
 * carries (an error message passed on from another service, a name, a stage) then neither breaks
 * a table's rows nor moves the cursor, recolours or retitles the reader's terminal.
 */
export function printable(text: string): string {
  let out = '';
  for (const char of text) {
    const code = char.charCodeAt(0);
    out += isUnprintable(code) ? (SHORT_ESCAPES[char] ?? `\\u${code.toString(16).padStart(4, '0')}`) : char;
  }
  return out;
}

/** Renders rows as a table whose columns are as wide as their widest cell, each cell {@link printable}. */
export function table(headers: readonly string[], cells: ReadonlyArray<ReadonlyArray<string>>): string {
  const rows = cells.map((row) => row.map(printable));
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: ReadonlyArray<string>) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return `${[line(headers), ...rows.map(line)].join('\n')}\n`;
}

/** Prints `value` as JSON (one document, two-space indent). */
export function printJson(out: Out, value: unknown): void {
  out.write(`${JSON.stringify(value, null, 2)}\n`);
}

function isCoded(error: unknown): error is Error & { code: string; path: ReadonlyArray<string | number> } {
  return error instanceof Error && typeof (error as { code?: unknown }).code === 'string' && Array.isArray((error as { path?: unknown }).path);
}

/** What a CLI user can do about a schema older than the code (the core message speaks to an app). */
const MIGRATE_HINT = 'from the CLI: open it once with your app (a Queue or Worker migrates it), or give --migrate to import or move';

/** The one-line error every failing command prints. */
export function errorLine(error: unknown): string {
  if (error instanceof WaitlineError || isCoded(error)) {
    const at = error.path.length > 0 ? ` (at ${error.path.join('.')})` : '';
    const hint = error instanceof SchemaVersionError && error.found < error.expected ? `; ${MIGRATE_HINT}` : '';
    return `error ${error.code}: ${error.message}${hint}${at}`;
  }
  return `error INTERNAL: ${error instanceof Error ? error.message : String(error)}`;
}

/** A duration for people: 850ms, 4.2s, 3m 10s, 2h 5m. */
export function formatMs(ms: number | null): string {
  if (ms === null) return '–';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  // Rounded as a whole first, then split, so 119.6 s reads 2m 0s, never 1m 60s.
  if (ms < 59_950) return `${(ms / 1000).toFixed(1)}s`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 3_600) return `${Math.floor(seconds / 60)}m ${seconds % 60}s`;
  const minutes = Math.round(ms / 60_000);
  return `${Math.floor(minutes / 60)}h ${minutes % 60}m`;
}

/** `text` as one word for a POSIX shell: single-quoted, so `$(…)`, backticks and `$VAR` stay text. */
export function shellQuote(text: string): string {
  return `'${text.replaceAll("'", "'\\''")}'`;
}

/** A time of day with its date, in UTC. */
export function formatTime(at: number | null): string {
  return at === null
    ? '–'
    : new Date(at)
        .toISOString()
        .replace('T', ' ')
        .replace(/\.\d+Z$/, 'Z');
}

/**
 * A job record as `--json` prints it: without its lease token (a worker's proof of ownership) and
 * with the receiver's bearer token masked (in its webhook, or a delivery job's payload), the rest
 * as stored.
 */
export function shownJob(job: JobRecord): Omit<JobRecord, 'leaseToken'> {
  const { leaseToken: _token, ...shown } = job;
  return maskJobSecrets(shown);
}
