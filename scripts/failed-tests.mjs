#!/usr/bin/env node
// Prints the failed tests of vitest JSON reports (the `json` reporter's files given as arguments),
// one line each: "<label>: <file> > <full test name>: <first line of the failure>". CI prints it
// last, so the tail of a red run's log names what failed even when the failure scrolled far up.
// Missing or unreadable reports are named too. Always exits 0.
import { existsSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';

for (const arg of process.argv.slice(2)) {
  const [label, file] = arg.includes('=') ? arg.split('=', 2) : [arg, arg];
  if (!existsSync(file)) {
    console.log(`${label}: no report (${file}): the run stopped before its tests finished`);
    continue;
  }
  let report;
  try {
    report = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    console.log(`${label}: unreadable report (${file}): ${err.message}`);
    continue;
  }
  for (const suite of report.testResults ?? []) {
    const failed = (suite.assertionResults ?? []).filter((t) => t.status === 'failed');
    if (failed.length === 0 && suite.status === 'failed')
      console.log(`${label}: ${relative(process.cwd(), suite.name)}: ${String(suite.message ?? 'failed').split('\n')[0]}`);
    for (const t of failed) {
      const why = String(t.failureMessages?.[0] ?? '').split('\n')[0];
      console.log(`${label}: ${relative(process.cwd(), suite.name)} > ${t.fullName}: ${why}`);
    }
  }
}
