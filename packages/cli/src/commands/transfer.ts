/**
 * `export`, `import` and `move`: a storage's queues and jobs as JSONL (see `exportJobs` and
 * `importJobs` in `@waitline/core`), streamed line by line in both directions so memory stays
 * bounded whatever the number of jobs. Running jobs are exported as waiting.
 * @module
 */
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { type FileHandle, open, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Writable } from 'node:stream';
import { exportJobs, type ImportConflictMode, importJobs, type ImportSummary, type Storage, ValidationError } from '@waitline/core';
import { type Command, Option } from 'commander';
import { CliError, type GlobalOptions } from '../context.js';
import { type Out, printJson } from '../output.js';
import { openStorage, parseStorage, sameStorage } from '../storage-url.js';

interface TransferOptions extends GlobalOptions {
  out?: string;
  in?: string;
  onConflict?: ImportConflictMode;
  migrate?: boolean;
  from?: string;
  to?: string;
}

/** Opens the storage `url` names (migrating it only when asked), runs `fn`, closes it whatever happens. */
async function withStorage<T>(url: string | undefined, migrate: boolean, fn: (storage: Storage) => Promise<T>): Promise<T> {
  const storage = await openStorage(parseStorage(url ?? process.env.WAITLINE_STORAGE), { migrate });
  try {
    return await fn(storage);
  } finally {
    await storage.close();
  }
}

/** True for the error a write gets once the reader went away (`waitline export | head`). */
const isClosedPipe = (err: unknown): boolean => (err as { code?: unknown } | null)?.code === 'EPIPE';

/**
 * Writes each line and its newline, waiting whenever the stream's buffer is full (bounded memory).
 * Stops quietly when the reader closed the pipe; any other write error is thrown.
 */
async function writeLines(lines: AsyncIterable<string>, sink: Writable): Promise<{ queues: number; schedules: number; jobs: number }> {
  const counts = { queues: 0, schedules: 0, jobs: 0 };
  let failed: unknown;
  const onError = (err: unknown) => {
    failed ??= err;
  };
  sink.on('error', onError);
  try {
    for await (const line of lines) {
      if (failed !== undefined) break;
      if (line.startsWith('{"type":"job"')) counts.jobs += 1;
      else if (line.startsWith('{"type":"queue"')) counts.queues += 1;
      else if (line.startsWith('{"type":"schedule"')) counts.schedules += 1;
      if (!sink.write(`${line}\n`)) await once(sink, 'drain').catch(onError);
    }
  } finally {
    sink.off('error', onError);
  }
  if (failed !== undefined && !isClosedPipe(failed)) throw failed;
  return counts;
}

/**
 * Opens a file for the command, a missing or unwritable one, or a directory, as a `CliError` at
 * `--in` / `--out` (naming `shown`, the file the user gave, when `path` is a temporary file
 * beside it; a directory is checked at `shown`, before an export writes anything). A file
 * written is readable by its owner only (0600): an export holds payloads and webhook tokens.
 */
async function openFile(path: string, mode: 'r' | 'w', shown = path): Promise<FileHandle> {
  const refuse = (why: string) =>
    new CliError(mode === 'r' ? 'FILE_NOT_READABLE' : 'FILE_NOT_WRITABLE', `cannot open "${shown}": ${why}`, [mode === 'r' ? 'in' : 'out']);
  // Opening a directory for reading succeeds; the first read would fail, untyped.
  if (await isDirectory(shown)) throw refuse('it is a directory (give a file)');
  try {
    return await open(path, mode, 0o600);
  } catch (err) {
    throw refuse((err as Error).message.replace(path, shown));
  }
}

/** True when `path` names a directory (false when it names nothing, or something else). */
async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => null))?.isDirectory() === true;
}

/**
 * Until the returned release is called, a SIGINT (Ctrl-C) or SIGTERM removes `temporary`, then
 * ends the process by that signal as it would have ended without the listener: an interrupted
 * export leaves no partial file behind, even while it waits on a storage that does not answer.
 */
function removeOnSignal(temporary: string): () => void {
  const release = (): void => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    release();
    rmSync(temporary, { force: true });
    process.kill(process.pid, signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return release;
}

/**
 * Writes the lines to `path` through a temporary file beside it, renamed over `path` only once
 * every line is written: an export that fails (an unknown queue, a lost connection, a full disk)
 * or is interrupted (Ctrl-C, SIGTERM) leaves an existing file as it was and no partial file
 * behind, which an import would take for a whole one (the format has no end marker). A write
 * the file refuses is `FILE_NOT_WRITABLE` at `out`.
 */
async function writeFileAtomically(path: string, lines: AsyncIterable<string>): Promise<{ queues: number; schedules: number; jobs: number }> {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  const release = removeOnSignal(temporary);
  let file: Writable | undefined;
  try {
    file = (await openFile(temporary, 'w', path)).createWriteStream();
    const counts = await writeLines(lines, file);
    file.end();
    await once(file, 'finish');
    await rename(temporary, path);
    return counts;
  } catch (err) {
    // The file's own failure (a full disk, a file size limit) is the command's typed file error.
    const unwritable = file !== undefined && err === file.errored;
    file?.destroy();
    await rm(temporary, { force: true });
    throw unwritable ? new CliError('FILE_NOT_WRITABLE', `cannot write "${path}": ${(err as Error).message}`, ['out']) : err;
  } finally {
    release();
  }
}

/** `export [queues...] [--out file]`: JSONL to stdout, or to a file with a summary on stdout. */
async function exportCommand(options: TransferOptions, queues: string[], out: Out): Promise<void> {
  await withStorage(options.storage, false, async (storage) => {
    const lines = exportJobs(storage, queues.length > 0 ? { queues } : {});
    if (options.out === undefined) {
      await writeLines(lines, process.stdout);
      return;
    }
    const counts = await writeFileAtomically(options.out, lines);
    if (options.json) printJson(out, { ...counts, file: options.out });
    else out.write(`exported ${counts.jobs} job(s) and ${counts.schedules} schedule(s) of ${counts.queues} queue(s) to ${options.out}\n`);
  });
}

function printSummary(out: Out, summary: ImportSummary, json: boolean | undefined): void {
  if (json) printJson(out, summary);
  else
    out.write(
      `imported ${summary.jobs} job(s) (${summary.replaced} replaced, ${summary.skipped} skipped), ${summary.queues} queue configuration(s) and ${summary.schedules} schedule(s)\n`,
    );
}

/**
 * `import [--in file] [--on-conflict m] [--migrate]`: JSONL from stdin or a file. Without `--in`
 * on a terminal it stops at once (`NO_INPUT` at `in`) rather than wait, silent, for typed lines.
 */
async function importCommand(options: TransferOptions, out: Out): Promise<void> {
  if (options.in === undefined && process.stdin.isTTY === true)
    throw new CliError(
      'NO_INPUT',
      'import reads an export from --in FILE or from stdin, and stdin is a terminal: give --in, or pipe one in (waitline import < backup.jsonl)',
      ['in'],
    );
  const input = options.in === undefined ? process.stdin : (await openFile(options.in, 'r')).createReadStream();
  await withStorage(options.storage, options.migrate === true, async (storage) => {
    const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
    try {
      printSummary(out, await importJobs(storage, lines, { onConflict: options.onConflict ?? 'fail' }), options.json);
    } finally {
      lines.close();
      input.destroy();
    }
  });
}

/** `move --from url --to url [queues...]`: an export piped into an import, without a file. */
async function moveCommand(options: TransferOptions, queues: string[], out: Out): Promise<void> {
  const [from, to] = [parseStorage(options.from ?? process.env.WAITLINE_STORAGE), parseStorage(options.to ?? process.env.WAITLINE_STORAGE)];
  if (sameStorage(from, to))
    throw new ValidationError('--from and --to name the same storage: a move needs two', [{ path: ['to'], message: 'the same storage as --from' }]);
  await withStorage(options.from, false, async (from) => {
    const lines = exportJobs(from, queues.length > 0 ? { queues } : {});
    try {
      // The export's first line comes after its checks (an unknown queue): a refused move has not
      // opened the target yet, so `--migrate` created or migrated nothing.
      const head = await lines.next();
      await withStorage(options.to, options.migrate === true, async (to) => {
        printSummary(out, await importJobs(to, withHead(head, lines), { onConflict: options.onConflict ?? 'fail' }), options.json);
      });
    } finally {
      await lines.return(undefined);
    }
  });
}

/** The lines of a generator whose first `next()` was already taken (`head`). */
async function* withHead(head: IteratorResult<string, void>, rest: AsyncGenerator<string, void, undefined>): AsyncGenerator<string, void, undefined> {
  if (head.done) return;
  yield head.value;
  yield* rest;
}

const conflictOption = () =>
  new Option('--on-conflict <mode>', 'a job already stored (same id or idempotency key): fail, skip or replace')
    .choices(['fail', 'skip', 'replace'])
    .default('fail');
const migrateOption = () => new Option('--migrate', 'migrate the target first (a new database, or one of an older version)');

/**
 * Registers `export`, `import` and `move` on `program`. `defer` receives each command's run
 * (commander parses, then the program runs it and maps its outcome to an exit code).
 */
export function addTransferCommands(program: Command, out: Out, defer: (fn: () => Promise<void>) => void): void {
  const opts = (local: Record<string, unknown>): TransferOptions => ({ ...program.opts<GlobalOptions>(), ...local });
  program
    .command('export [queues...]')
    .description('every job (running ones as waiting) and queue configuration as JSONL, to stdout or --out')
    .option('--out <file>', 'write to this file instead of stdout')
    .action((queues: string[], local: Record<string, unknown>) => defer(() => exportCommand(opts(local), queues, out)));
  program
    .command('import')
    .description('write an export (JSONL from stdin or --in) into the storage')
    .option('--in <file>', 'read this file instead of stdin')
    .addOption(conflictOption())
    .addOption(migrateOption())
    .action((local: Record<string, unknown>) => defer(() => importCommand(opts(local), out)));
  program
    .command('move [queues...]')
    .description('copy queues and jobs from one storage to another (running jobs as waiting)')
    .requiredOption('--from <url>', 'the storage to read')
    .requiredOption('--to <url>', 'the storage to write')
    .addOption(conflictOption())
    .addOption(migrateOption())
    .action((queues: string[], local: Record<string, unknown>) => defer(() => moveCommand(opts(local), queues, out)));
}
