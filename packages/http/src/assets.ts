/**
 * The dashboard's and the status page's files, served by the handler: the HTML shells (which carry
 * the base path, queue and job id in `<meta>` tags) and the bundles built into `dist/assets` when
 * the package builds. The bundles are read once, on first use, from next to this module.
 * @module
 */

/** The only files `GET /assets/:file` serves, with their content types. */
const ASSET_TYPES = {
  'dashboard.js': 'text/javascript; charset=utf-8',
  'dashboard.css': 'text/css; charset=utf-8',
  'status.js': 'text/javascript; charset=utf-8',
  'status.css': 'text/css; charset=utf-8',
} as const;

type AssetName = keyof typeof ASSET_TYPES;

interface Asset {
  body: Uint8Array<ArrayBuffer>;
  /** A strong validator: the start of the content's SHA-256. */
  etag: string;
  /** The same hash, for `?v=` in the shells' URLs. */
  version: string;
}

const ONE_YEAR_S = 31_536_000;

/** The dashboard: admin only, never framed. */
const DASHBOARD_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
/** The status page may be framed by the app that links to it. */
const STATUS_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'";

let loading: Promise<Map<AssetName, Asset>> | null = null;

function isAssetName(file: string): file is AssetName {
  return Object.hasOwn(ASSET_TYPES, file);
}

/** Where the built files can be: next to the bundle (dist/assets), or dist/assets seen from src (tests, tsx). */
function candidateDirs(): URL[] {
  return [new URL('./assets/', import.meta.url), new URL('../dist/assets/', import.meta.url)];
}

async function hash(body: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', body));
  return Array.from(digest.subarray(0, 10), (b) => b.toString(16).padStart(2, '0')).join('');
}

async function readDir(dir: URL): Promise<Map<AssetName, Asset> | null> {
  const { readFile } = await import('node:fs/promises');
  const assets = new Map<AssetName, Asset>();
  for (const name of Object.keys(ASSET_TYPES) as AssetName[]) {
    let body: Uint8Array<ArrayBuffer>;
    try {
      body = Uint8Array.from(await readFile(new URL(name, dir)));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
    const version = await hash(body);
    assets.set(name, { body, etag: `"${version}"`, version });
  }
  return assets;
}

async function readAssets(): Promise<Map<AssetName, Asset>> {
  for (const dir of candidateDirs()) {
    const assets = await readDir(dir);
    if (assets) return assets;
  }
  throw new Error('missing');
}

/** The built files, read once; a failed read is tried again on the next call (the package may be built since). */
function loadAssets(): Promise<Map<AssetName, Asset>> {
  if (!loading) {
    loading = readAssets().catch((err: unknown) => {
      loading = null;
      throw err;
    });
  }
  return loading;
}

function missingAssets(): Response {
  const message =
    'The Waitline dashboard is not built: @waitline/http has no dist/assets next to its bundle. ' +
    'Build the package (pnpm --filter @waitline/http run build) or reinstall it.';
  return new Response(message, { status: 500, headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' } });
}

function escapeHtml(text: string): string {
  const map: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
  return text.replace(/[&<>"']/g, (c) => map[c] as string);
}

/** '' or '/x/y': a leading slash, no trailing one. */
function normaliseBase(basePath: string): string {
  const trimmed = basePath.replace(/\/+$/, '');
  return trimmed === '' || trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}

interface Shell {
  title: string;
  entry: 'dashboard' | 'status';
  metas: Record<string, string>;
  csp: string;
}

function renderShell(base: string, shell: Shell, assets: Map<AssetName, Asset>): string {
  const url = (name: AssetName) => escapeHtml(`${base}/assets/${name}?v=${assets.get(name)?.version ?? ''}`);
  const metas = Object.entries(shell.metas)
    .map(([name, content]) => `<meta name="${name}" content="${escapeHtml(content)}">`)
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${metas}
<title>${escapeHtml(shell.title)}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${url(`${shell.entry}.css`)}">
<script type="module" src="${url(`${shell.entry}.js`)}"></script>
</head>
<body>
<div id="app"><p>Loading…</p><noscript>This page needs JavaScript.</noscript></div>
</body>
</html>
`;
}

async function pageResponse(basePath: string, shell: Shell): Promise<Response> {
  let assets: Map<AssetName, Asset>;
  try {
    assets = await loadAssets();
  } catch {
    return missingAssets();
  }
  const base = normaliseBase(basePath);
  const body = renderShell(base, { ...shell, metas: { 'waitline-base': base, ...shell.metas } }, assets);
  return new Response(body, {
    status: 200,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-cache',
      'content-security-policy': shell.csp,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
    },
  });
}

/**
 * `GET /` under `basePath`: the dashboard's HTML shell, which loads `assets/dashboard.{js,css}` from
 * under `basePath` and reads its data from the admin routes there. Always a 200 HTML page, or a 500
 * text answer saying how to fix it when the package's built assets are missing.
 */
export function dashboardResponse(basePath: string): Promise<Response> {
  return pageResponse(basePath, { title: 'Waitline', entry: 'dashboard', metas: {}, csp: DASHBOARD_CSP });
}

/**
 * `GET /status/:queue/:id` under `basePath`: the per-job status page's HTML shell for the decoded
 * `queue` and `id` (escaped here; the page reads only the public routes). The caller need not check
 * that the job exists: the page shows "Job not found" itself. Same answers as {@link dashboardResponse}.
 */
export function statusPageResponse(basePath: string, queue: string, id: string): Promise<Response> {
  return pageResponse(basePath, {
    title: 'Job status',
    entry: 'status',
    metas: { 'waitline-queue': queue, 'waitline-job': id },
    csp: STATUS_CSP,
  });
}

/**
 * `GET /assets/:file`: one of the built files by its bare name (`dashboard.js`, `dashboard.css`,
 * `status.js`, `status.css`), or null for any other name (the caller answers 404), so no path ever
 * reaches the file system. With `request`: 304 when its `If-None-Match` matches, no body for HEAD,
 * and a year's immutable caching when its `?v=` is the file's current version (the URLs the shells
 * write), else `no-cache` with the ETag. A 500 text answer when the built files are missing.
 */
export async function assetResponse(file: string, request?: Request): Promise<Response | null> {
  if (!isAssetName(file)) return null;
  let assets: Map<AssetName, Asset>;
  try {
    assets = await loadAssets();
  } catch {
    return missingAssets();
  }
  const asset = assets.get(file) as Asset;
  const versioned = request !== undefined && new URL(request.url).searchParams.get('v') === asset.version;
  const headers = {
    'content-type': ASSET_TYPES[file],
    'cache-control': versioned ? `public, max-age=${ONE_YEAR_S}, immutable` : 'no-cache',
    etag: asset.etag,
    'x-content-type-options': 'nosniff',
  };
  const tags = request?.headers.get('if-none-match');
  if (tags?.split(',').some((t) => t.trim().replace(/^W\//, '') === asset.etag)) {
    return new Response(null, { status: 304, headers });
  }
  const body = request?.method === 'HEAD' ? null : asset.body;
  return new Response(body, { status: 200, headers: { ...headers, 'content-length': String(asset.body.byteLength) } });
}
