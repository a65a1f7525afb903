/**
 * Forks the child scripts next to this file as plain Node processes, hands each its input, lines
 * them up (every child opens its storage, then all get `go` together) and collects their reports.
 * The protocol is described in `common.mjs`.
 * @internal
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The child scripts of this folder. */
export type ChildScript = 'claim-loop.mjs' | 'add-loop.mjs' | 'migrate.mjs' | 'untraced.mjs' | 'schedule-worker.mjs';

interface ChildMessage {
  type: 'ready' | 'done' | 'error';
  report?: unknown;
  error?: { name: string; message: string; code: string | null; stack: string | null };
}

interface Running {
  child: ChildProcess;
  ready: Promise<void>;
  done: Promise<unknown>;
  output: string[];
}

function start(script: ChildScript, input: unknown, index: number, execArgv: string[]): Running {
  // execArgv never inherits the test runner's loader flags: the child runs plain Node (plus `execArgv`).
  const child = fork(fileURLToPath(new URL(`./${script}`, import.meta.url)), [], {
    execArgv,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    serialization: 'json',
  });
  const output: string[] = [];
  child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const describeFailure = (why: string) => new Error(`child ${index} (${script}) ${why}${output.length ? `\n--- its output ---\n${output.join('')}` : ''}`);

  let markReady: () => void = () => {};
  let failReady: (err: Error) => void = () => {};
  const ready = new Promise<void>((resolve, reject) => {
    markReady = resolve;
    failReady = reject;
  });
  const done = new Promise<unknown>((resolve, reject) => {
    const fail = (err: Error) => {
      failReady(err);
      reject(err);
    };
    child.on('message', (raw) => {
      const message = raw as ChildMessage;
      if (message.type === 'ready') markReady();
      else if (message.type === 'done') resolve(message.report);
      else if (message.type === 'error') {
        const e = message.error;
        fail(describeFailure(`failed: ${e?.name} [${e?.code}] ${e?.message}\n${e?.stack ?? ''}`));
      }
    });
    child.on('error', (err) => fail(describeFailure(`could not run: ${err.message}`)));
    // 'close', not 'exit': 'exit' can come before the last IPC message is read (a child that sent
    // its report and exited at once then looked like one that sent none); 'close' waits for the
    // stdio streams and the IPC channel to end, so every message has been delivered by then.
    child.on('close', (code, signal) => fail(describeFailure(`exited (code ${code}, signal ${signal}) without a report`)));
  });
  // Both promises may reject before anyone awaits them; the awaits below still see the rejection.
  ready.catch(() => {});
  done.catch(() => {});
  child.send({ type: 'start', input });
  return { child, ready, done, output };
}

/**
 * Runs one child per input at once and returns their reports in input order. Rejects (and kills
 * the children still alive) when a child fails, exits without a report, or `timeoutMs` passes.
 * `execArgv` are Node options for the children (none by default).
 */
export async function runChildren<Report>(script: ChildScript, inputs: unknown[], timeoutMs: number, execArgv: string[] = []): Promise<Report[]> {
  const running = inputs.map((input, i) => start(script, input, i, execArgv));
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${script} children did not finish within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([Promise.all(running.map((r) => r.ready)), timeout]);
    for (const r of running) r.child.send({ type: 'go' });
    return (await Promise.race([Promise.all(running.map((r) => r.done)), timeout])) as Report[];
  } finally {
    clearTimeout(timer);
    for (const r of running) if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill();
  }
}
