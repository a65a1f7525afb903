/**
 * The Redis servers the tests talk to: the one at 127.0.0.1:6379, and a 3-master Redis Cluster the
 * cluster test starts on loopback ports (redis-server in cluster mode, then `redis-cli --cluster
 * create`) and stops afterwards. A missing server skips locally with a loud warning and fails
 * under `CI=true`.
 * @internal
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { it } from 'vitest';

const run = promisify(execFile);

/** The single server the tests use. */
export const SERVER = { host: '127.0.0.1', port: 6379 };

/** True when something answers PING with PONG at host:port within `timeoutMs`. */
export function ping(host: string, port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}

/**
 * Registers one test standing for a missing server: failing under `CI=true`, skipped (with a
 * console warning naming what is missing and how to start it) otherwise.
 */
export function missingServer(what: string, howToStart: string): void {
  const message = `${what} is not reachable: start it with \`${howToStart}\``;
  if (process.env.CI === 'true') {
    it(`${what} is reachable (required under CI=true)`, () => {
      throw new Error(message);
    });
    return;
  }
  console.warn(`\n⚠️  SKIPPING the Redis tests: ${message}\n`);
  it.skip(`${what} is reachable`, () => undefined);
}

/** True when the redis-server and redis-cli binaries are installed. */
export function hasRedisTools(): Promise<boolean> {
  return run('redis-cli', ['--version']).then(() => run('redis-server', ['--version'])).then(() => true, () => false);
}

/** A running local cluster and how to stop it. */
export interface LocalCluster {
  nodes: Array<{ host: string; port: number }>;
  stop(): Promise<void>;
}

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function clusterOk(port: number): Promise<boolean> {
  const { stdout } = await run('redis-cli', ['-p', String(port), 'cluster', 'info']).catch(() => ({ stdout: '' }));
  return stdout.includes('cluster_state:ok');
}

/**
 * Starts three cluster-mode redis-servers on `basePort..basePort+2` (nothing on disk but their
 * node files, in a temp directory), joins them into a cluster with no replicas, and waits until
 * every node reports `cluster_state:ok`. Returns null when redis-server or redis-cli is missing.
 */
export async function startLocalCluster(basePort: number): Promise<LocalCluster | null> {
  if (!(await hasRedisTools())) return null;
  const dir = mkdtempSync(join(tmpdir(), 'waitline-redis-cluster-'));
  const ports = [basePort, basePort + 1, basePort + 2];
  const servers = ports.map((port) =>
    spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`,
      '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' }),
  );
  const stop = async () => {
    for (const s of servers) if (s.exitCode === null) s.kill('SIGTERM');
    await Promise.all(servers.map((s) => (s.exitCode === null ? new Promise((r) => s.once('exit', r)) : undefined)));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const port of ports) await waitFor(() => ping('127.0.0.1', port), `redis-server on port ${port}`, 10_000);
    await run('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes']);
    for (const port of ports) await waitFor(() => clusterOk(port), `cluster_state:ok on port ${port}`, 20_000);
  } catch (err) {
    await stop();
    throw err;
  }
  return { nodes: ports.map((port) => ({ host: '127.0.0.1', port })), stop };
}
