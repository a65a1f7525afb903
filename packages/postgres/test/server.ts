/**
 * Where the tests find Postgres, and what happens when it is not there: locally the Postgres
 * tests are skipped with a loud warning; under `CI=true` they run anyway and fail, so a missing
 * server can never pass CI quietly.
 * @internal
 */
import { userInfo } from 'node:os';
import pg from 'pg';

/**
 * The test server: `WAITLINE_PG_URL`, or the local server's `test` database as `PGUSER` or the
 * OS user (trust auth; `pg` itself only looks at `USER`, which some shells and CI leave unset).
 */
export const PG_URL = process.env.WAITLINE_PG_URL ?? `postgres://${encodeURIComponent(process.env.PGUSER ?? userInfo().username)}@127.0.0.1:5432/test`;

async function reachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/** True when the Postgres tests should run: the server answers, or CI demands them. */
export const RUN_PG_TESTS: boolean = await (async () => {
  if (await reachable()) return true;
  if (process.env.CI === 'true') return true;
  console.warn(
    `\n!!!!! Postgres is not reachable at ${PG_URL}: SKIPPING the @waitline/postgres tests.\n` +
      '!!!!! Start it (see docs/toolchain.md) or set WAITLINE_PG_URL; under CI=true this is a failure.\n',
  );
  return false;
})();

/** Runs `fn` with a short-lived client of the test server (its database `url`, default the test one). */
export async function withClient<T>(fn: (client: pg.Client) => Promise<T>, url = PG_URL): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
