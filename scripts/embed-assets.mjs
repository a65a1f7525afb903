#!/usr/bin/env node
// Embeds a storage package's SQL or Lua into one generated TypeScript module, with the types its
// statement headers declare, so nothing reads files at run time, the build needs no copy step and
// no call site casts what a statement returns. Run from the package directory (its `build` and
// `typecheck` scripts do: `node ../../scripts/embed-assets.mjs`); every storage package shares it.
//
// A package with sql/ gets src/generated/sql.ts:
// - sql/migrations/NNNN_name.sql -> MIGRATIONS, sorted by version; versions must run 1, 2, 3, ...
// - sql/queries/some-name.sql    -> SQL.someName, and SqlTypes['someName'] = { params, row }
// - sql/functions/name.sql       -> FUNCTIONS, sorted by file name (only when the directory exists:
//   stored functions the migrator re-creates after applying migrations)
// A package with lua/ gets src/generated/lua.ts:
// - lua/scripts/some-name.lua -> LUA.someName = { file, source, sha1 }, LuaTypes['someName'] = { reply }
// - a line `--! include lib/x.lua` is replaced by lua/lib/x.lua (once per script, in place);
//   sha1 is the SHA-1 of the expanded source: the name Redis gives the script (EVALSHA).
//
// Type tags, in the header comment every query and script opens with:
//   -- @param name: Type     one per placeholder. Positional statements ($1, $2, ...) list them in
//                            order and get a labelled tuple; named ones (:name or @name) get an
//                            object. The placeholders in the text must be exactly the tags.
//   -- @returns Type         a query's row (none: the statement is run for its effect, row `never`)
//                            or a script's reply (required). More indented `--` lines continue it.
//   -- @use A, B from mod    imports types from src/mod.ts for the tags above.
// The output is deterministic (sorted, no timestamps) and rewritten only when its content changes,
// so it is committed and reviewed next to its sources; with --check it writes nothing and exits 1
// when the generated file is missing or stale (CI also fails on a diff after the build).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const root = process.cwd();
const INCLUDE = /^--! include (lib\/[a-z0-9-]+\.lua)\s*$/;
const KEBAB = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** Lists the files of a directory with an extension, sorted by name. */
function filesOf(dir, ext) {
  return readdirSync(dir)
    .filter((f) => f.endsWith(ext))
    .sort();
}

/** Reads a source with Windows line endings normalised; every source opens with a `--` header. */
function readSource(path) {
  const text = readFileSync(path, 'utf8').replace(/\r\n/g, '\n');
  if (!text.trimStart().startsWith('--')) throw new Error(`${path}: must open with a header comment`);
  return text;
}

function camelCase(kebab) {
  return kebab.replace(/-([a-z0-9])/g, (_, c) => c.toUpperCase());
}

/** The kebab-case name of `file` without `ext`, or an error naming `where`. */
function kebabName(file, ext, where) {
  const name = file.slice(0, -ext.length);
  if (!KEBAB.test(name)) throw new Error(`${where}/${file}: name must be kebab-case`);
  return name;
}

/**
 * Reads the type tags of a header: the comment lines the file opens with. A tag line may continue
 * on the next comment lines indented deeper than the tag's own `@`.
 */
function parseTags(text, where) {
  const header = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('--') || line.startsWith('--!')) break;
    header.push(line.slice(2));
  }
  const tags = { params: [], returns: null, uses: [] };
  for (let i = 0; i < header.length; i += 1) {
    const match = /^(\s*)@(param|returns|use)\s+(.*)$/.exec(header[i]);
    if (!match) continue;
    let body = match[3].trim();
    while (i + 1 < header.length && /^\s*/.exec(header[i + 1])[0].length > match[1].length + 1 && !/^\s*@/.test(header[i + 1])) {
      body += ` ${header[(i += 1)].trim()}`;
    }
    addTag(tags, match[2], body, where);
  }
  return tags;
}

function addTag(tags, kind, body, where) {
  if (kind === 'param') {
    const param = /^([A-Za-z_]\w*)\s*:\s*(.+)$/.exec(body);
    if (!param) throw new Error(`${where}: @param must read "name: Type", got "${body}"`);
    if (tags.params.some((p) => p.name === param[1])) throw new Error(`${where}: @param ${param[1]} twice`);
    tags.params.push({ name: param[1], type: param[2] });
  } else if (kind === 'returns') {
    if (tags.returns !== null) throw new Error(`${where}: @returns twice`);
    tags.returns = body;
  } else {
    const use = /^([A-Za-z_]\w*(?:\s*,\s*[A-Za-z_]\w*)*)\s+from\s+([a-z0-9-]+(?:\/[a-z0-9-]+)*)$/.exec(body);
    if (!use) throw new Error(`${where}: @use must read "A, B from module", got "${body}"`);
    tags.uses.push({ names: use[1].split(',').map((n) => n.trim()), module: use[2] });
  }
}

/**
 * The statement text a placeholder can appear in: without comments and string literals, removed in
 * one left-to-right pass so an apostrophe in a comment never pairs with a quote in the code.
 */
function codeOf(sql) {
  return sql.replace(/--[^\n]*|\/\*[\s\S]*?\*\/|'(?:[^']|'')*'/g, (m) => (m.startsWith("'") ? "''" : ' '));
}

/** Checks the @param tags against the placeholders; returns the TypeScript type of the parameters. */
function paramsType(sql, params, where) {
  const code = codeOf(sql);
  const positional = [...new Set([...code.matchAll(/\$(\d+)/g)].map((m) => Number(m[1])))].sort((a, b) => a - b);
  const named = [...new Set([...code.matchAll(/(?<![:\w])[:@]([A-Za-z_]\w*)/g)].map((m) => m[1]))].sort();
  if (positional.length > 0 && named.length > 0) throw new Error(`${where}: mixes $n and :name placeholders`);
  const declared = params.map((p) => p.name);
  if (positional.length > 0) {
    if (positional.some((n, i) => n !== i + 1) || positional.length !== params.length) {
      throw new Error(`${where}: uses $1..$${positional.at(-1)} but declares ${params.length} @param (${declared.join(', ')})`);
    }
    return `[${params.map((p) => `${p.name}: ${p.type}`).join(', ')}]`;
  }
  if (named.join(',') !== [...declared].sort().join(',')) {
    throw new Error(`${where}: placeholders {${named.join(', ')}} but @param {${[...declared].sort().join(', ')}}`);
  }
  return named.length === 0 ? '[]' : `{ ${params.map((p) => `${p.name}: ${p.type}`).join('; ')} }`;
}

function migrations(dir) {
  return filesOf(dir, '.sql').map((file, index) => {
    const match = /^(\d{4})_([a-z0-9_]+)\.sql$/.exec(file);
    if (!match) throw new Error(`sql/migrations/${file}: name must be NNNN_snake_name.sql`);
    const version = Number(match[1]);
    if (version !== index + 1) throw new Error(`sql/migrations/${file}: expected version ${index + 1}`);
    return { version, name: match[2], sql: readSource(join(dir, file)) };
  });
}

function queries(dir) {
  return filesOf(dir, '.sql').map((file) => {
    const where = `sql/queries/${file}`;
    const sql = readSource(join(dir, file));
    const tags = parseTags(sql, where);
    const key = camelCase(kebabName(file, '.sql', 'sql/queries'));
    return { key, file, sql, uses: tags.uses, params: paramsType(sql, tags.params, where), row: tags.returns ?? 'never' };
  });
}

function functions(dir) {
  return filesOf(dir, '.sql').map((file) => {
    const name = kebabName(file, '.sql', 'sql/functions');
    const sql = readSource(join(dir, file));
    if (!/^CREATE OR REPLACE FUNCTION /m.test(sql)) throw new Error(`sql/functions/${file}: must CREATE OR REPLACE FUNCTION`);
    return { name, sql };
  });
}

/** Replaces each include line by the library file it names; a library is included once. */
function expandLua(luaDir, file) {
  const seen = new Set();
  const out = [];
  for (const line of readSource(join(luaDir, 'scripts', file)).split('\n')) {
    const match = INCLUDE.exec(line);
    if (!match) out.push(line);
    else if (!seen.has(match[1])) {
      seen.add(match[1]);
      const lib = readSource(join(luaDir, match[1]));
      if (lib.split('\n').some((l) => INCLUDE.test(l))) throw new Error(`${match[1]}: libraries cannot include`);
      out.push(lib.trimEnd());
    }
  }
  return out.join('\n');
}

function scripts(luaDir) {
  return filesOf(join(luaDir, 'scripts'), '.lua').map((file) => {
    const where = `lua/scripts/${file}`;
    const key = camelCase(kebabName(file, '.lua', 'lua/scripts'));
    const tags = parseTags(readSource(join(luaDir, 'scripts', file)), where);
    if (tags.returns === null) throw new Error(`${where}: the header must declare its reply with @returns`);
    if (tags.params.length > 0) throw new Error(`${where}: scripts take KEYS and ARGV, not @param`);
    const source = expandLua(luaDir, file);
    const sha1 = createHash('sha1').update(source).digest('hex');
    return { key, file, source, sha1, uses: tags.uses, reply: tags.returns };
  });
}

/** The `import type` lines for every @use, one per module, names sorted. */
function importLines(items) {
  const byModule = new Map();
  for (const { uses } of items) {
    for (const use of uses) {
      const names = byModule.get(use.module) ?? new Set();
      for (const name of use.names) names.add(name);
      byModule.set(use.module, names);
    }
  }
  return [...byModule.keys()].sort().map((m) => `import type { ${[...byModule.get(m)].sort().join(', ')} } from '../${m}.js';`);
}

function renderSql(sqlDir) {
  const qs = queries(join(sqlDir, 'queries'));
  const lines = ['// Generated by scripts/embed-assets.mjs from sql/**/*.sql: do not edit; edit the .sql file and rebuild.'];
  lines.push(...importLines(qs), '');
  lines.push('/** One forward-only migration: applied when the schema version is below `version`. @internal */');
  lines.push('export interface EmbeddedMigration {', '  readonly version: number;', '  readonly name: string;', '  readonly sql: string;', '}', '');
  lines.push('/** Every migration in sql/migrations, by ascending version (1, 2, ...). @internal */');
  lines.push('export const MIGRATIONS: readonly EmbeddedMigration[] = [');
  for (const m of migrations(join(sqlDir, 'migrations'))) {
    lines.push(`  { version: ${m.version}, name: ${JSON.stringify(m.name)}, sql: ${JSON.stringify(m.sql)} },`);
  }
  lines.push('];', '', '/** Every statement in sql/queries, keyed by the camelCased file name. @internal */', 'export const SQL = {');
  for (const q of qs) lines.push(`  /** sql/queries/${q.file} */`, `  ${q.key}: ${JSON.stringify(q.sql)},`);
  lines.push('} as const;', '', '/** The name of an embedded statement. @internal */', 'export type SqlName = keyof typeof SQL;', '');
  lines.push("/** Each statement's parameters and row, as its header's @param and @returns lines declare them. @internal */");
  lines.push('export interface SqlTypes {');
  for (const q of qs) lines.push(`  ${q.key}: { params: ${q.params}; row: ${q.row} };`);
  lines.push('}', '');
  if (existsSync(join(sqlDir, 'functions'))) {
    lines.push('/** Every stored function in sql/functions, by file name: run after any migration applies. @internal */');
    lines.push('export const FUNCTIONS: readonly { readonly name: string; readonly sql: string }[] = [');
    for (const f of functions(join(sqlDir, 'functions'))) lines.push(`  { name: ${JSON.stringify(f.name)}, sql: ${JSON.stringify(f.sql)} },`);
    lines.push('];', '');
  }
  return lines.join('\n');
}

function renderLua(luaDir) {
  const ss = scripts(luaDir);
  const lines = ['// Generated by scripts/embed-assets.mjs from lua/**/*.lua: do not edit; edit the .lua file and rebuild.'];
  lines.push(...importLines(ss), '');
  lines.push('/** One embedded script: its file, its source with includes expanded, and its SHA-1 (for EVALSHA). @internal */');
  lines.push('export interface EmbeddedScript {', '  readonly file: string;', '  readonly source: string;', '  readonly sha1: string;', '}', '');
  lines.push('/** Every script in lua/scripts, keyed by the camelCased file name. @internal */', 'export const LUA = {');
  for (const s of ss) {
    lines.push(`  /** lua/scripts/${s.file} */`);
    lines.push(`  ${s.key}: { file: ${JSON.stringify(s.file)}, sha1: ${JSON.stringify(s.sha1)}, source: ${JSON.stringify(s.source)} },`);
  }
  lines.push('} as const satisfies Record<string, EmbeddedScript>;', '', '/** The name of an embedded script. @internal */');
  lines.push('export type ScriptName = keyof typeof LUA;', '');
  lines.push("/** Each script's reply, as its header's @returns line declares it. @internal */", 'export interface LuaTypes {');
  for (const s of ss) lines.push(`  ${s.key}: { reply: ${s.reply} };`);
  lines.push('}', '');
  return lines.join('\n');
}

const kind = existsSync(join(root, 'sql')) ? 'sql' : existsSync(join(root, 'lua')) ? 'lua' : null;
if (kind === null) throw new Error(`${root}: has neither sql/ nor lua/ to embed`);
const outFile = join(root, 'src', 'generated', `${kind}.ts`);
const output = kind === 'sql' ? renderSql(join(root, 'sql')) : renderLua(join(root, 'lua'));
const current = existsSync(outFile) ? readFileSync(outFile, 'utf8') : null;
if (process.argv.includes('--check')) {
  if (current !== output) {
    console.error(`src/generated/${kind}.ts is stale: run \`node ../../scripts/embed-assets.mjs\` in the package`);
    process.exit(1);
  }
} else if (current !== output) {
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, output);
}
