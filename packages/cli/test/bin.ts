/**
 * Runs the built `waitline` bin as a child process, as a user would.
 * @internal
 */
import { execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/** The built bin. */
export const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const exec = promisify(execFile);

/** What a finished run printed and its exit code. */
export interface BinResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the bin to the end; never rejects: the exit code, stdout and stderr. */
export async function waitline(args: string[], env: Record<string, string> = {}): Promise<BinResult> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, timeout: 30_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** A bin still running (`watch`): its output so far, a wait for output, and a signal to stop it. */
export interface RunningBin {
  /** Everything written to stdout so far. */
  stdout(): string;
  /** Everything written to stderr so far. */
  stderr(): string;
  /** Resolves once stdout (from the given offset) matches; rejects after `timeoutMs`. */
  waitFor(pattern: RegExp, from?: number, timeoutMs?: number): Promise<string>;
  /** Sends `signal` and resolves with the exit code (null when killed by the signal). */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /** Resolves with the exit code once the bin ends by itself. */
  exited(): Promise<number | null>;
}

/**
 * Starts the bin and leaves it running. With `tty`, it runs on a pseudo-terminal of 40 rows by
 * 160 columns (through util-linux `script`), so it draws as it would for a person.
 */
export function startWaitline(args: string[], options: { tty?: boolean } = {}): RunningBin {
  const quoted = [process.execPath, BIN, ...args].map((a) => `'${a.replaceAll("'", `'\\''`)}'`).join(' ');
  const child = options.tty
    ? spawn('script', ['-qfec', `stty rows 40 cols 160; exec ${quoted}`, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] })
    : spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  // 'close', not 'exit': by then stdout and stderr have been read to their end.
  let closed = false;
  const exited = new Promise<number | null>((resolve) =>
    child.on('close', (code) => {
      closed = true;
      resolve(code);
    }),
  );
  return {
    stdout: () => out,
    stderr: () => err,
    async waitFor(pattern, from = 0, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const match = out.slice(from).match(pattern);
        if (match) return match[0];
        if (closed) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`no ${pattern} in the output within ${timeoutMs}ms (exit ${child.exitCode}); stdout:\n${out.slice(-2000)}\nstderr:\n${err}`);
    },
    exited: () => exited,
    async stop(signal = 'SIGINT') {
      // On a terminal, Ctrl-C is a keystroke: the terminal sends SIGINT to the bin itself (a
      // signal to `script` would reach the bin only as the terminal hanging up).
      if (options.tty && signal === 'SIGINT') child.stdin?.write('\u0003');
      else child.kill(signal);
      return exited;
    },
  };
}
