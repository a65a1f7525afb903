#!/usr/bin/env node
// What users get: packs every published package with pnpm (which rewrites `workspace:` ranges),
// checks each tarball with publint (strict) and are-the-types-wrong, installs the tarballs with
// npm into a fresh folder outside the workspace, and runs the smoke apps in scripts/smoke there: ESM and CommonJS on SQLite, ESM on Postgres and Redis, and the
// `waitline` bin. Run after the build (`pnpm smoke:pack`). A server that does not answer skips
// its smoke app with a loud note locally and fails under CI=true. Exits 1 on any failure.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const PACKAGES = ['core', 'sqlite', 'postgres', 'redis', 'http', 'cli'];
/**
 * are-the-types-wrong checks the node16 profile (node16 from ESM and CJS, and bundlers): subpath
 * exports such as `@waitline/core/storage` cannot resolve under TypeScript's legacy `node10`
 * resolution, which predates `exports`. The CLI is ESM only (a command, with `run` for tests):
 * CommonJS consumers import() it.
 */
const ATTW_IGNORE = { cli: ['cjs-resolves-to-esm'] };
const bin = (name) => join(root, 'node_modules', '.bin', name);
const ci = process.env.CI === 'true';
const pgUrl = process.env.WAITLINE_PG_URL ?? `postgres://${encodeURIComponent(process.env.PGUSER ?? userInfo().username)}@127.0.0.1:5432/test`;

function run(cmd, args, cwd, env = {}) {
  console.log(`$ ${cmd} ${args.join(' ')}`);
  execFileSync(cmd, args, { cwd, stdio: 'inherit', env: { ...process.env, ...env } });
}

function reachable(port) {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port }, () => {
      socket.end();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
    socket.setTimeout(2_000, () => {
      socket.destroy();
      resolve(false);
    });
  });
}

const work = mkdtempSync(join(tmpdir(), 'waitline-pack-'));
const packs = join(work, 'packs');
const app = join(work, 'app');
try {
  for (const name of PACKAGES) {
    run('npx', ['-y', 'pnpm@10.34.9', 'pack', '--pack-destination', packs], join(root, 'packages', name));
    const { version } = JSON.parse(readFileSync(join(root, 'packages', name, 'package.json'), 'utf8'));
    const tarball = join(packs, `waitline-${name}-${version}.tgz`);
    const listing = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' });
    if (!listing.includes('package/LICENSE')) throw new Error(`${tarball} has no LICENSE`);
    run(bin('publint'), ['--strict', tarball], root);
    const ignore = ATTW_IGNORE[name] ? ['--ignore-rules', ...ATTW_IGNORE[name]] : [];
    run(bin('attw'), [tarball, '--format', 'ascii', '--profile', 'node16', ...ignore], root);
  }
  execFileSync('mkdir', ['-p', app]);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'waitline-smoke', private: true, version: '1.0.0' }, null, 2));
  const tarballs = readdirSync(packs).map((file) => join(packs, file));
  run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...tarballs], app);
  for (const file of readdirSync(join(root, 'scripts', 'smoke'))) copyFileSync(join(root, 'scripts', 'smoke', file), join(app, file));
  run(process.execPath, ['sqlite.mjs'], app);
  run(process.execPath, ['sqlite.cjs'], app);
  run(process.execPath, ['node_modules/@waitline/cli/dist/bin.js', '--storage', 'sqlite:./esm.db', 'stats', 'smoke'], app);
  const servers = (await reachable(5432)) && (await reachable(6379));
  if (servers) run(process.execPath, ['servers.mjs'], app, { WAITLINE_PG_URL: pgUrl });
  else if (ci) throw new Error('Postgres or Redis is not reachable: the packed adapters were not smoke-tested');
  else console.warn('\n!!!!! Postgres or Redis is not reachable: SKIPPING the packed adapters smoke test (a failure under CI=true)\n');
  console.log('packed tarballs: installed with npm and ran');
} finally {
  rmSync(work, { recursive: true, force: true });
}
