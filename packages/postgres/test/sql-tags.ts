/**
 * Reads the type tags of the statement headers in sql/queries (`@param`, `@returns`, as
 * scripts/embed-assets.mjs reads them) and the row interfaces of src/rows.ts they name, so a test
 * can hold them against what the server says each statement takes and returns.
 * @internal
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One column or parameter: its name and its TypeScript type as the tag spells it. */
export type Field = [name: string, type: string];

/** A statement's tags: parameters in order, and its row type (null: none declared). */
export interface StatementTags {
  file: string;
  text: string;
  params: Field[];
  returns: string | null;
}

/** The header's tags, a tag continuing on deeper-indented comment lines (as the embed script reads them). */
function tagsOf(text: string): { params: Field[]; returns: string | null } {
  const header: string[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('--') || line.startsWith('--!')) break;
    header.push(line.slice(2));
  }
  const params: Field[] = [];
  let returns: string | null = null;
  for (let i = 0; i < header.length; i += 1) {
    const match = /^(\s*)@(param|returns)\s+(.*)$/.exec(header[i] ?? '');
    if (!match) continue;
    let body = (match[3] ?? '').trim();
    while (i + 1 < header.length && (/^\s*/.exec(header[i + 1] ?? '')?.[0].length ?? 0) > (match[1] ?? '').length + 1 && !/^\s*@/.test(header[i + 1] ?? '')) {
      i += 1;
      body += ` ${(header[i] ?? '').trim()}`;
    }
    if (match[2] === 'returns') returns = body;
    else {
      const param = /^(\w+)\s*:\s*(.+)$/.exec(body);
      if (param) params.push([param[1] ?? '', param[2] ?? '']);
    }
  }
  return { params, returns };
}

/** Every statement of sql/queries with its tags, by file name. */
export function readStatements(packageDir: string): StatementTags[] {
  const dir = join(packageDir, 'sql', 'queries');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((file) => {
      const text = readFileSync(join(dir, file), 'utf8');
      return { file, text, ...tagsOf(text) };
    });
}

/** Splits `text` on `sep` where no bracket is open. */
export function splitTop(text: string, sep: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (c === '{' || c === '[' || c === '(') depth += 1;
    else if (c === '}' || c === ']' || c === ')') depth -= 1;
    else if (depth === 0 && c === sep) {
      parts.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(text.slice(start).trim());
  return parts.filter((p) => p !== '');
}

/** The fields of an object literal type `{ a: A; b: B }`. */
function literalFields(literal: string): Field[] {
  return splitTop(literal.trim().slice(1, -1), ';').map((member) => {
    const field = /^(\w+)\??\s*:\s*([\s\S]+)$/.exec(member);
    if (!field) throw new Error(`cannot read "${member}" in ${literal}`);
    return [field[1] ?? '', (field[2] ?? '').trim()];
  });
}

/** The fields of every `export interface X { ... }` of src/rows.ts, by name (comment lines skipped). */
export function readRowInterfaces(packageDir: string): Map<string, Field[]> {
  const text = readFileSync(join(packageDir, 'src', 'rows.ts'), 'utf8');
  const out = new Map<string, Field[]>();
  for (const m of text.matchAll(/export interface (\w+) \{\n([\s\S]*?)\n\}/g)) {
    const fields = (m[2] ?? '')
      .split('\n')
      .map((line) => /^\s+(\w+)\??: (.+);$/.exec(line))
      .flatMap((f): Field[] => (f ? [[f[1] ?? '', f[2] ?? '']] : []));
    out.set(m[1] ?? '', fields);
  }
  return out;
}

/**
 * The row shapes a `@returns` type allows: one per member of a top-level union, each the fields of
 * its object literals and interfaces joined by `&`; null when it names a type this cannot read
 * (a type alias, or one from core).
 */
export function shapesOf(returns: string, interfaces: Map<string, Field[]>): Field[][] | null {
  const shapes: Field[][] = [];
  for (const member of splitTop(returns, '|')) {
    const fields: Field[] = [];
    for (const part of splitTop(member, '&')) {
      const known = part.startsWith('{') ? literalFields(part) : interfaces.get(part);
      if (known === undefined) return null;
      fields.push(...known);
    }
    shapes.push(fields);
  }
  return shapes;
}

/**
 * What a TypeScript type tells of the Postgres type behind it: a number, boolean or string
 * (string literals and `X['state']` included), an array of one, or, for any other named type, a
 * JSON value the driver parsed. `| null` is dropped: the server does not describe nullability.
 */
export function kindOf(type: string): string {
  const t = splitTop(type, '|')
    .filter((p) => p !== 'null')
    .join(' | ')
    .replace(/^readonly /, '');
  if (t.endsWith('[]')) return `${kindOf(t.slice(0, -2))}[]`;
  if (t === 'number' || t === 'boolean' || t === 'string') return t;
  if (/^'[^']*'( \| '[^']*')*$/.test(t) || /\['state'\]$/.test(t)) return 'string';
  return 'json';
}
