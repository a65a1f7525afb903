#!/usr/bin/env node
// Prints the failed tests of vitest JSON reports (the `json` reporter's files given as arguments),
// one line each: "<label>: <file> > <full test name>: <first line of the failure>". CI prints it
// last, so the tail of a red run's log names what failed even when the failure scrolled far up.
// Missing or unreadable reports are named too. A file written by scripts/unhandled-reporter.mjs
// (`{ errors: [...] }`) gives one line per unhandled error, with where vitest caught it and the
// first frames of its stack: those fail a run in which no test failed. Always exits 0.
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
  for (const err of report.errors ?? []) {
    const where = err.file ? `${relative(process.cwd(), err.file)}${err.test ? ` > ${err.test}` : ''}` : 'outside any test';
    console.log(`${label}: ${where}: ${err.type ? `${err.type}: ` : ''}${err.name}: ${String(err.message).split('\n')[0]}`);
    const frames = String(err.stack ?? '')
      .split('\n')
      .filter((l) => l.trim().startsWith('at '))
      .slice(0, 5);
    for (const frame of frames) console.log(`    ${frame.trim()}`);
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
