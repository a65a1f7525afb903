/**
 * Errors as plain data, for the heartbeat thread: `postMessage` clones an `Error` as a bare one
 * (its class and own fields lost), so the thread sends {@link ErrorData} and the worker rebuilds
 * the same class: every `WaitlineError` subclass in `errors.ts` is found by name, with its code,
 * message, path and own fields (`found`, `jobId`, `issues`, ...) as they were.
 * @internal
 * @module
 */
import * as errors from './errors.js';
import { StorageUnavailableError, WaitlineError } from './errors.js';

/** An error as structured-cloneable data. @internal */
export interface ErrorData {
  name: string;
  message: string;
  code?: string;
  /** True for a `WaitlineError`: one of a class `errors.ts` does not export comes back as the base class. */
  waitline?: boolean;
  path?: Array<string | number>;
  /** The error's other own fields, those that survive JSON (functions and cycles dropped). */
  fields?: Record<string, unknown>;
  stack?: string;
  cause?: ErrorData;
}

type ErrorClass = abstract new (...args: never[]) => WaitlineError;

function isErrorClass(v: unknown): v is ErrorClass {
  return typeof v === 'function' && (v === WaitlineError || v.prototype instanceof WaitlineError);
}

/** Every class exported by `errors.ts` that is a `WaitlineError`, by name. */
const CLASSES: ReadonlyMap<string, ErrorClass> = new Map((Object.values(errors) as unknown[]).filter(isErrorClass).map((c) => [c.name, c] as const));

/** Fields rebuilt on their own, never copied from `fields`. */
const OWN = new Set(['name', 'message', 'stack', 'code', 'path', 'cause']);
/** How deep a `cause` chain is kept. */
const CAUSE_DEPTH = 3;

function jsonSafe(value: unknown): unknown {
  try {
    const text = JSON.stringify(value);
    return text === undefined ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * True when `err` is a `WaitlineError` of any copy of core: the heartbeat thread's bundle has its
 * own copy of `errors.ts`, while the storage it reopens throws the package's, so `instanceof`
 * alone would miss them.
 */
function isWaitlineError(err: Error): boolean {
  for (let p = Object.getPrototypeOf(err); p !== null && p !== Error.prototype; p = Object.getPrototypeOf(p)) {
    if ((p as { constructor?: { name?: string } }).constructor?.name === 'WaitlineError') return true;
  }
  return false;
}

/** The plain data of `err` (anything thrown), for another thread. @internal */
export function toErrorData(err: unknown, depth = 0): ErrorData {
  if (!(err instanceof Error)) return { name: 'Error', message: String(err) };
  const data: ErrorData = { name: err.name, message: err.message };
  if (err.stack !== undefined) data.stack = err.stack;
  const { code, path } = err as { code?: unknown; path?: unknown };
  if (typeof code === 'string') data.code = code;
  if (isWaitlineError(err)) data.waitline = true;
  if (Array.isArray(path)) data.path = path.filter((p) => typeof p === 'string' || typeof p === 'number');
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(err)) {
    const safe = OWN.has(key) ? undefined : jsonSafe(value);
    if (safe !== undefined) fields[key] = safe;
  }
  if (Object.keys(fields).length > 0) data.fields = fields;
  if (err.cause !== undefined && depth < CAUSE_DEPTH) data.cause = toErrorData(err.cause, depth + 1);
  return data;
}

/**
 * The error `data` describes, as the class it was thrown as when that is a Waitline error (a real
 * `Error` of that class, built without running its constructor, so every subclass comes back
 * whatever its constructor's parameters); other errors come back as a plain `Error` with the same
 * name, message and code.
 * @internal
 */
export function fromErrorData(data: ErrorData): Error {
  const cls = data.waitline ? (CLASSES.get(data.name) ?? WaitlineError) : Error;
  const err = Reflect.construct(Error, [data.message], cls) as Error & Record<string, unknown>;
  const isWaitline = cls === WaitlineError || cls.prototype instanceof WaitlineError;
  Object.assign(err, data.fields ?? {});
  err.name = data.name;
  if (data.code !== undefined) err.code = data.code;
  if (isWaitline) err.path = data.path ?? [];
  if (data.stack !== undefined) err.stack = data.stack;
  if (data.cause !== undefined) Object.defineProperty(err, 'cause', { value: fromErrorData(data.cause), writable: true, configurable: true });
  return err;
}

/**
 * What a heartbeat-thread failure is on the worker's side: the Waitline error it was, rebuilt; any
 * other error becomes a `StorageUnavailableError` (the thread could not renew) with it as `cause`.
 * @internal
 */
export function fromThreadError(data: ErrorData): WaitlineError {
  const err = fromErrorData(data);
  if (err instanceof WaitlineError) return err;
  return new StorageUnavailableError(`heartbeat thread: ${err.name}: ${err.message}`, { cause: err });
}
