/**
 * `rediss://`: the CLI reaches a Redis server over TLS, checking its certificate. The test starts
 * a private redis-server with TLS only (on a free port, never the shared one), its certificate
 * made by `openssl` for 127.0.0.1 and trusted through `NODE_EXTRA_CA_CERTS`, as a user with a
 * private CA would.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Queue } from '@waitline/core';
import { RedisStorage } from '@waitline/redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitline } from './bin.js';

const run = promisify(execFile);
const PASSWORD = 'S3cretPw';
const PREFIX = `wl_tls_${process.pid}`;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** A self-signed certificate for 127.0.0.1 and localhost, written into `dir`. */
async function makeCertificate(dir: string): Promise<{ cert: string; key: string }> {
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  const subject = ['-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'];
  await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', ...subject]);
  return { cert, key };
}

/** True when `openssl` and `redis-server` are installed (required under CI=true). */
const tools = await Promise.all([run('openssl', ['version']), run('redis-server', ['--version'])]).then(
  () => true,
  () => false,
);
if (!tools && process.env.CI !== 'true') console.warn('\n⚠️  SKIPPING the rediss:// tests: install openssl and redis-server\n');

describe.skipIf(!tools && process.env.CI !== 'true')('waitline over rediss://', () => {
  let dir: string;
  let cert: string;
  let port: number;
  let server: ChildProcess | undefined;
  const storageOf = () =>
    RedisStorage.open({
      connection: { host: '127.0.0.1', port, password: PASSWORD, tls: { ca: readFileSync(cert) } },
      prefix: PREFIX,
      migrate: true,
      checkServer: false,
    });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'wl-cli-tls-'));
    const files = await makeCertificate(dir);
    cert = files.cert;
    port = await freePort();
    const tls = ['--tls-port', String(port), '--tls-cert-file', files.cert, '--tls-key-file', files.key, '--tls-auth-clients', 'no'];
    const args = ['--port', '0', ...tls, '--bind', '127.0.0.1', '--requirepass', PASSWORD, '--dir', dir, '--save', '', '--appendonly', 'no'];
    server = spawn('redis-server', args, { stdio: 'ignore' });
    const deadline = Date.now() + 20_000;
    for (;;) {
      const up = await storageOf().then(
        (s) => s.close().then(() => true),
        () => false,
      );
      if (up) break;
      if (Date.now() > deadline) throw new Error(`the TLS redis-server on port ${port} did not answer`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }, 60_000);

  afterAll(() => {
    server?.kill('SIGKILL');
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('reads a queue over TLS when the server’s certificate is trusted', async () => {
    const storage = await storageOf();
    try {
      await new Queue(storage, 'secure').addBulk([{ payload: {} }, { payload: {} }]);
    } finally {
      await storage.close();
    }
    const location = `rediss://:${PASSWORD}@127.0.0.1:${port}?prefix=${PREFIX}`;
    const result = await waitline(['--storage', location, 'stats', 'secure', '--json'], { NODE_EXTRA_CA_CERTS: cert });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).counts.ready).toBe(2);
  });

  it('refuses a server whose certificate it does not trust, without printing the password', async () => {
    const location = `rediss://:${PASSWORD}@127.0.0.1:${port}?prefix=${PREFIX}`;
    const result = await waitline(['--storage', location, 'stats', 'secure']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/certificate/i);
    expect(result.stderr).not.toContain(PASSWORD);
  });
});
