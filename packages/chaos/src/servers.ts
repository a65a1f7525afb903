/**
 * Private database servers for the chaos suite: a Postgres cluster made by `initdb` in a temp
 * directory and a `redis-server` (with or without an append-only file), each on a free loopback
 * port of its own, so a test can kill, restart and starve them without touching the shared
 * servers on 5432 and 6379. Postgres refuses to run as root: when the suite runs as root the
 * cluster belongs to the `postgres` OS user and the server runs as it (spawn's uid/gid).
 * @internal
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { Redis } from 'ioredis';

/** A port nothing listens on now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Resolves once `check` holds; throws naming `what` after `timeoutMs`. */
export async function waitFor(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 20_000, stepMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** The directory of the newest installed Postgres binaries (`initdb`, `postgres`), or null. */
export function postgresBinDir(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : null;
}

/** The uid and gid the server runs as: the `postgres` user when we are root, else ourselves. */
function postgresIdentity(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

/** A Postgres cluster of our own: `initdb` once, then start, crash, stop and start again at will. */
export class PrivatePostgres {
  private server: ChildProcess | null = null;

  private constructor(
    private readonly bin: string,
    private readonly dir: string,
    readonly port: number,
    private readonly who: { uid: number; gid: number } | null,
  ) {}

  /** The connection string of the `postgres` database as the `postgres` role (trust auth). */
  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  /** Creates the cluster in a temp directory and starts it. */
  static async create(): Promise<PrivatePostgres> {
    const bin = postgresBinDir();
    if (!bin) throw new Error('no Postgres binaries under /usr/lib/postgresql/*/bin (apt-get install postgresql)');
    const dir = mkdtempSync(join(tmpdir(), 'waitline-chaos-pg-'));
    const who = postgresIdentity();
    if (who) chownSync(dir, who.uid, who.gid);
    execFileSync(join(bin, 'initdb'), ['-D', join(dir, 'data'), '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8'], {
      stdio: 'ignore',
      ...(who ?? {}),
    });
    const server = new PrivatePostgres(bin, dir, await freePort(), who);
    await server.start();
    return server;
  }

  /** Starts the server (crash recovery first, after a kill) and waits until it answers. */
  async start(): Promise<void> {
    if (this.server) return;
    const args = [
      '-D',
      join(this.dir, 'data'),
      '-p',
      String(this.port),
      '-h',
      '127.0.0.1',
      '-k',
      this.dir,
      '-c',
      'fsync=off',
      '-c',
      'max_connections=200',
      '-c',
      'shared_buffers=64MB',
    ];
    this.server = spawn(join(this.bin, 'postgres'), args, { stdio: 'ignore', ...(this.who ?? {}) });
    this.server.once('exit', () => {
      this.server = null;
    });
    await waitFor(() => this.answers(), `private Postgres on port ${this.port}`);
  }

  /**
   * Stops the server. `immediate` (SIGQUIT) is a crash as far as the data goes: no checkpoint,
   * every connection cut, WAL replayed on the next start; `fast` (SIGINT) a clean shutdown.
   */
  async stop(mode: 'immediate' | 'fast' = 'immediate'): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.kill(mode === 'immediate' ? 'SIGQUIT' : 'SIGINT');
    await exited(server);
  }

  /** True when a query succeeds. */
  async answers(): Promise<boolean> {
    const client = new pg.Client({ connectionString: this.url, connectionTimeoutMillis: 1_000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('SELECT 1');
      return true;
    } catch {
      return false;
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  /** Stops the server and removes the cluster. */
  async destroy(): Promise<void> {
    await this.stop('fast');
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A redis-server of our own, in a temp directory; `aof: true` fsyncs every write to an append-only file. */
export class PrivateRedis {
  private server: ChildProcess | null = null;

  private constructor(
    private readonly dir: string,
    readonly port: number,
    readonly aof: boolean,
  ) {}

  /** Where clients connect. */
  get connection(): { host: string; port: number } {
    return { host: '127.0.0.1', port: this.port };
  }

  /** Starts a server; with `aof`, `appendonly yes` and `appendfsync always` (an acknowledged write is on disk). */
  static async create(options: { aof: boolean }): Promise<PrivateRedis> {
    const dir = mkdtempSync(join(tmpdir(), 'waitline-chaos-redis-'));
    const server = new PrivateRedis(dir, await freePort(), options.aof);
    await server.start();
    return server;
  }

  /** Starts the server (loading the append-only file when there is one) and waits for PONG. */
  async start(): Promise<void> {
    if (this.server) return;
    const persistence = this.aof ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no'];
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--save', '', ...persistence];
    this.server = spawn('redis-server', args, { stdio: 'ignore' });
    this.server.once('exit', () => {
      this.server = null;
    });
    await waitFor(() => this.answers(), `private redis-server on port ${this.port}`);
  }

  /** Kills the server (SIGKILL: no shutdown save, connections cut). */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.kill('SIGKILL');
    await exited(server);
  }

  /** True when the server answers PING. */
  async answers(): Promise<boolean> {
    const client = new Redis({ ...this.connection, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 500 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      return (await client.ping()) === 'PONG';
    } catch {
      return false;
    } finally {
      client.disconnect();
    }
  }

  /** Stops the server and removes its directory. */
  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
