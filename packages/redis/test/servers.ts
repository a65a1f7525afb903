/**
 * The Redis servers the tests talk to: the one at 127.0.0.1:6379, private single servers that a
 * test may restart or flush (never the shared one), and a 3-master Redis Cluster the cluster test
 * starts on loopback ports (redis-server in cluster mode, then `redis-cli --cluster create`) and
 * stops afterwards. A missing server skips locally with a loud warning and fails under `CI=true`.
 * @internal
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
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
  return run('redis-cli', ['--version'])
    .then(() => run('redis-server', ['--version']))
    .then(
      () => true,
      () => false,
    );
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
    spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        `nodes-${port}.conf`,
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        dir,
      ],
      { stdio: 'ignore' },
    ),
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

/** A redis-server of the test's own, on a loopback port, with a temp directory of its own. */
export interface PrivateServer {
  port: number;
  connection: { host: string; port: number };
  /** Kills the server (SIGKILL: nothing flushed to disk beyond what its settings already wrote). */
  kill(): Promise<void>;
  /** Kills it and starts it again on the same port, directory and settings. */
  restart(): Promise<void>;
  /** Kills it and removes its directory. */
  stop(): Promise<void>;
}

/** Without persistence: a restart starts empty. */
export const NO_PERSISTENCE = ['--save', '', '--appendonly', 'no'];

async function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const done = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await done;
}

/** True once the server on `port` answers and is `child` (another process may hold the port). */
async function isOurs(child: ChildProcess, port: number): Promise<boolean> {
  if (!(await ping('127.0.0.1', port, 200))) return false;
  const { stdout } = await run('redis-cli', ['-p', String(port), 'info', 'server']).catch(() => ({ stdout: '' }));
  return new RegExp(`process_id:${child.pid}\\b`).test(stdout);
}

async function spawnOn(port: number, dir: string, settings: string[]): Promise<ChildProcess | null> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, ...settings], { stdio: 'ignore' });
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) return null; // the port was taken
    if (await isOurs(child, port)) return child;
    await new Promise((r) => setTimeout(r, 50));
  }
  await exited(child);
  throw new Error(`redis-server on port ${port} did not start`);
}

/**
 * Starts a redis-server with `settings` on the first port from `fromPort` it can bind, and checks
 * that what answers there is that process (so a restart or flush never reaches someone else's
 * server). Returns null when redis-server is not installed.
 */
export async function startPrivateServer(fromPort: number, settings: string[] = NO_PERSISTENCE): Promise<PrivateServer | null> {
  if (!(await hasRedisTools())) return null;
  const dir = mkdtempSync(join(tmpdir(), 'waitline-redis-'));
  let port = fromPort;
  let child: ChildProcess | null = null;
  while (child === null) {
    if (port >= fromPort + 50) throw new Error(`no free port for a redis-server from ${fromPort}`);
    if (!(await ping('127.0.0.1', port, 200))) child = await spawnOn(port, dir, settings);
    if (child === null) port += 1;
  }
  let current: ChildProcess = child;
  const server: PrivateServer = {
    port,
    connection: { host: '127.0.0.1', port },
    kill: () => exited(current),
    restart: async () => {
      await exited(current);
      const next = await spawnOn(port, dir, settings);
      if (!next) throw new Error(`port ${port} was taken while redis-server restarted`);
      current = next;
    },
    stop: async () => {
      await exited(current);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return server;
}
