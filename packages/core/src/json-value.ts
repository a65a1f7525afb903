/**
 * The one check every stored value passes (a payload, a handler's result, progress `data`): it
 * either round-trips exactly through JSON on every storage or is refused with the path of the
 * offending value. `JSON.stringify` alone would silently alter what it cannot carry (NaN and
 * Infinity become null, a Map becomes `{}`, a Date becomes a string, `undefined` in an array
 * becomes null) or throw an untyped error (BigInt, circular references).
 *
 * What is accepted: `null`, booleans, finite numbers, storable strings (no NUL, no lone
 * surrogate; see `limits.ts`), arrays without holes, and plain objects (prototype
 * `Object.prototype` or null) with storable keys, nested at most {@link MAX_JSON_DEPTH} deep. A
 * value may appear twice (it is stored twice); a cycle is refused.
 *
 * Two things JSON does are kept, and documented, because they lose nothing a reader can see: an
 * object property whose value is `undefined` is dropped (as `JSON.stringify` drops it), and `-0`
 * reads back as `0` (`-0 === 0`).
 * @module
 */
import { ValidationError } from './errors.js';
import { MAX_JSON_DEPTH, textProblem } from './limits.js';

type Path = Array<string | number>;

/** What is wrong and where, inside the value checked. */
interface Problem {
  path: Path;
  message: string;
}

const DATE_HINT = 'a Date is not JSON: pass date.toISOString() (or date.getTime()) and parse it back in the handler';

function kindOf(value: object): string {
  const name = (Object.getPrototypeOf(value) as { constructor?: { name?: unknown } } | null)?.constructor?.name;
  return typeof name === 'string' && name !== '' ? name : 'non-plain';
}

function leafProblem(value: unknown): string | null {
  switch (typeof value) {
    case 'string': {
      const problem = textProblem(value);
      return problem === null ? null : `the string ${problem}`;
    }
    case 'number':
      return Number.isFinite(value) ? null : `${value} is not a finite number (JSON would store null)`;
    case 'boolean':
      return null;
    case 'undefined':
      return 'undefined is not JSON: use null';
    case 'bigint':
      return 'a BigInt is not JSON: pass it as a string';
    case 'function':
      return 'a function is not JSON';
    case 'symbol':
      return 'a symbol is not JSON';
    default:
      return null;
  }
}

function objectProblem(value: object): string | null {
  if (value instanceof Date) return DATE_HINT;
  const proto = Object.getPrototypeOf(value);
  if (Array.isArray(value)) return proto === Array.prototype ? null : `a ${kindOf(value)} array subclass is not plain JSON`;
  if (proto === Object.prototype || proto === null) {
    return Object.getOwnPropertySymbols(value).length > 0 ? 'a symbol-keyed property is not JSON' : null;
  }
  return `a ${kindOf(value)} instance is not plain JSON: pass plain objects and arrays`;
}

/** Reads a property, turning a throwing getter into a problem instead of an untyped error. */
function read(container: object, key: string | number): { value: unknown } | { message: string } {
  try {
    return { value: (container as Record<string | number, unknown>)[key] };
  } catch (err) {
    return { message: `reading it threw: ${err instanceof Error ? err.message : String(err)}` };
  }
}

class Walker {
  private readonly ancestors = new Set<object>();

  visit(value: unknown, path: Path): Problem | null {
    if (value === null || typeof value !== 'object') {
      const message = leafProblem(value);
      return message === null ? null : { path, message };
    }
    if (this.ancestors.has(value)) return { path, message: 'a circular reference is not JSON' };
    if (this.ancestors.size >= MAX_JSON_DEPTH) return { path, message: `nested deeper than ${MAX_JSON_DEPTH} levels` };
    const message = objectProblem(value);
    if (message !== null) return { path, message };
    this.ancestors.add(value);
    const found = Array.isArray(value) ? this.items(value, path) : this.entries(value, path);
    this.ancestors.delete(value);
    return found;
  }

  private items(array: unknown[], path: Path): Problem | null {
    for (let i = 0; i < array.length; i++) {
      if (!(i in array)) return { path: [...path, i], message: 'a hole in a sparse array is not JSON (JSON would store null)' };
      const got = read(array, i);
      if ('message' in got) return { path: [...path, i], message: got.message };
      const found = this.visit(got.value, [...path, i]);
      if (found) return found;
    }
    return null;
  }

  private entries(object: object, path: Path): Problem | null {
    for (const key of Object.keys(object)) {
      const keyMessage = textProblem(key);
      if (keyMessage !== null) return { path: [...path, key], message: `the key ${keyMessage}` };
      const got = read(object, key);
      if ('message' in got) return { path: [...path, key], message: got.message };
      // An undefined property is dropped, as JSON.stringify drops it (documented above).
      if (got.value === undefined) continue;
      const found = this.visit(got.value, [...path, key]);
      if (found) return found;
    }
    return null;
  }
}

/**
 * The first problem that keeps `value` from round-tripping exactly through JSON, as a
 * `ValidationError` whose path starts at `root`; null when every storage keeps `value` exactly
 * (see the module notes for the rules). `what` names the value in the message.
 */
export function findJsonProblem(value: unknown, root: ReadonlyArray<string | number> = [], what = 'value'): ValidationError | null {
  let problem: ReturnType<Walker['visit']>;
  try {
    problem = new Walker().visit(value, [...root]);
  } catch {
    // A proxy or getter that throws while the value is inspected: it cannot be serialised either.
    problem = { path: [...root], message: 'reading it threw (a proxy or getter that throws cannot be stored)' };
  }
  if (!problem) return null;
  const where = problem.path.length > 0 ? ` at ${problem.path.join('.')}` : '';
  return new ValidationError(`invalid ${what}${where}: ${problem.message}`, [{ path: problem.path, message: problem.message }]);
}

/**
 * Throws a `ValidationError` naming the path (below `root`) of the first value JSON cannot carry
 * exactly; returns when every storage keeps `value` exactly.
 */
export function checkJsonValue(value: unknown, root: ReadonlyArray<string | number> = [], what = 'value'): void {
  const problem = findJsonProblem(value, root, what);
  if (problem) throw problem;
}
