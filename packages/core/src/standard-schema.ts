/**
 * Payload schemas from any validator that implements Standard Schema v1 (https://standardschema.dev):
 * zod 3.24+ and 4, valibot 1, arktype 2 and others. Core declares the interface itself, so it
 * depends on no validator for your payloads (it uses zod only for its own options).
 * @module
 */
import { ValidationError, type ValidationIssue } from './errors.js';

/** One problem a Standard Schema reports: a message and where in the value. */
export interface StandardSchemaIssue {
  /** What is wrong. */
  readonly message: string;
  /** Where: property keys, or segments holding a `key`. */
  readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined;
}

/** What a Standard Schema's `validate` answers: the (possibly transformed) value, or issues. */
export type StandardSchemaResult<Output> = { readonly value: Output; readonly issues?: undefined } | { readonly issues: ReadonlyArray<StandardSchemaIssue> };

/**
 * A validator implementing Standard Schema v1: what `payload` in a queue's options accepts. Only
 * synchronous validation is supported: a schema whose `validate` returns a promise (an async
 * refinement) is refused at the add with a `ValidationError`, writing nothing.
 */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  /** The Standard Schema properties. */
  readonly '~standard': {
    /** Always 1. */
    readonly version: 1;
    /** The library that made the schema (`zod`, `valibot`, `arktype`, …). */
    readonly vendor: string;
    /** Validates (and may transform) a value. */
    readonly validate: (value: unknown) => StandardSchemaResult<Output> | Promise<StandardSchemaResult<Output>>;
    /** The input and output types, for inference only. */
    readonly types?: { readonly input: Input; readonly output: Output } | undefined;
  };
}

/** True when `value` implements Standard Schema v1. */
export function isStandardSchema(value: unknown): value is StandardSchemaV1 {
  const standard = (value as { '~standard'?: { version?: unknown; validate?: unknown } } | null | undefined)?.['~standard'];
  return typeof standard === 'object' && standard !== null && standard.version === 1 && typeof standard.validate === 'function';
}

function pathOf(issue: StandardSchemaIssue): Array<string | number> {
  return (issue.path ?? []).map((segment) => {
    const key = typeof segment === 'object' && segment !== null ? segment.key : segment;
    return typeof key === 'number' ? key : String(key);
  });
}

/**
 * Runs `schema` on `value`: the validated (possibly transformed) value, or a `ValidationError`
 * naming `what` whose issues carry their paths under `root`.
 */
export function validateStandard(schema: StandardSchemaV1, value: unknown, what: string, root: ReadonlyArray<string | number>): unknown {
  const result = schema['~standard'].validate(value);
  if (result instanceof Promise) {
    result.catch(() => undefined);
    const message = `the ${schema['~standard'].vendor} schema validates asynchronously; a ${what} schema must validate synchronously`;
    throw new ValidationError(`invalid ${what}: ${message}`, [{ path: root, message }]);
  }
  if (!result.issues) return result.value;
  const issues: ValidationIssue[] = result.issues.map((issue) => ({ path: [...root, ...pathOf(issue)], message: issue.message }));
  const first = issues[0];
  const where = first && first.path.length > 0 ? ` at ${first.path.join('.')}` : '';
  throw new ValidationError(`invalid ${what}${where}: ${first?.message ?? 'rejected'}`, issues);
}
