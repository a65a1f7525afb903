/**
 * checkSchemaVersion, the rule every storage applies at open and migrate: newer is refused, older
 * is refused unless migrating, and the answer says whether migrations are due.
 */
import { describe, expect, it } from 'vitest';
import { checkSchemaVersion, SchemaVersionError } from '../src/index.js';

const at = (found: number, migrating: boolean) => checkSchemaVersion({ found, expected: 3, where: 'Test store "x"', pkg: '@waitline/test', migrating });

describe('checkSchemaVersion', () => {
  it('refuses a newer schema even when migrating, naming both versions and the package', () => {
    for (const migrating of [true, false]) {
      expect(() => at(4, migrating)).toThrow(SchemaVersionError);
      expect(() => at(4, migrating)).toThrow(/^Test store "x" has schema version 4, newer than this @waitline\/test \(3\); upgrade/);
    }
    expect(() => at(4, true)).toThrow(expect.objectContaining({ code: 'SCHEMA_VERSION', found: 4, expected: 3 }));
  });

  it('refuses an older schema unless migrating, and says when migrations are due', () => {
    expect(() => at(0, false)).toThrow(/older than this @waitline\/test \(3\), and migrate is false/);
    expect(at(0, true)).toBe(true);
    expect(at(2, true)).toBe(true);
    expect(at(3, true)).toBe(false);
    expect(at(3, false)).toBe(false);
  });
});
