/**
 * What the CLI prints for people: durations that never read "1m 60s", and shell words that a
 * paste never runs (a group name is free text, often a tenant's).
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { formatMs, shellQuote } from '../src/output.js';

describe('formatMs', () => {
  it('rounds the whole before splitting it', () => {
    expect([850, 4_200, 59_960, 119_600, 190_000, 7_185_000, 7_199_999].map(formatMs)).toEqual(['850ms', '4.2s', '1m 0s', '2m 0s', '3m 10s', '2h 0m', '2h 0m']);
  });
});

describe('shellQuote', () => {
  it('keeps $(…), backticks, quotes and $VAR as text in a POSIX shell', () => {
    for (const text of ['a$(echo INJECTED)', '`id`', "it's", '$HOME', 'plain', '']) {
      expect(execFileSync('sh', ['-c', `printf %s ${shellQuote(text)}`]).toString()).toBe(text);
    }
  });
});
