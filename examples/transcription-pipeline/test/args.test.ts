/**
 * The demo's and the worker's arguments, as a newcomer types them: a mistake is a one-line
 * message with the usage and exit 2, never a stack trace; `--help` is the usage and exit 0.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = fileURLToPath(new URL('..', import.meta.url));

function run(script: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: here });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((done) => child.on('exit', (code) => done({ code, stdout, stderr })));
}

describe('arguments', () => {
  it('main: an unknown option is a usage error, not a stack trace', async () => {
    const r = await run('src/main.ts', ['--bogus']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^Unknown option '--bogus'/);
    expect(r.stderr).toContain('Usage:');
    expect(r.stderr).not.toContain('    at ');
  });

  it('worker: --help is the usage, and a bad --concurrency a usage error', async () => {
    const help = await run('src/worker.ts', ['--help']);
    expect([help.code, help.stdout]).toEqual([0, expect.stringContaining('Start the main demo (src/main.ts) first')]);
    const bad = await run('src/worker.ts', ['--storage', 'unused.db', '--concurrency', 'abc']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^--concurrency must be a positive integer, got "abc"/);
    const idle = await run('src/worker.ts', ['--storage', 'unused.db', '--exit-when-idle', 'soon']);
    expect(idle.code).toBe(2);
  });
}, 60_000);
