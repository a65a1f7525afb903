/**
 * Refusing cross-site requests that change state. A browser attaches the admin's session cookie or
 * cached Basic credentials to a form post or a `no-cors` fetch from any other site, and such a
 * request needs no preflight when its body is a form, text or nothing, so `authorize` alone cannot
 * tell it from the admin's own click. The browser also says where it comes from: `Sec-Fetch-Site`
 * in every current browser, `Origin` in older ones. Clients that are not browsers (curl, the CLI,
 * server-side fetch) send neither and are let through, as are safe methods.
 * @module
 * @internal
 */

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Why `request` must be refused as cross-site, or null when it may go on: a method other than GET,
 * HEAD or OPTIONS whose `Sec-Fetch-Site` is neither `same-origin` nor `none` (typed by the user),
 * or, without that header, whose `Origin` names another host than `url`'s or than the proxy's
 * `X-Forwarded-Host` (the scheme is not compared, so a proxy ending TLS in front does not make
 * every request cross-site; and a proxy that rewrites `Host`, as nginx does by default, does not
 * either). A page on another site cannot set `X-Forwarded-Host` on a request that needs no
 * preflight, and the proxy names the host the browser asked for.
 * @internal
 */
export function crossSiteRefusal(request: Request, url: URL): string | null {
  if (SAFE_METHODS.has(request.method)) return null;
  const site = request.headers.get('sec-fetch-site');
  if (site !== null) return site === 'same-origin' || site === 'none' ? null : `Sec-Fetch-Site is ${site}`;
  const origin = request.headers.get('origin');
  if (origin === null) return null;
  const host = hostOf(origin);
  const forwarded = request.headers.get('x-forwarded-host')?.split(',')[0]?.trim();
  return host === url.host || (host !== null && host === forwarded) ? null : `Origin ${origin} is not this server (${url.host})`;
}

function hostOf(origin: string): string | null {
  try {
    return new URL(origin).host;
  } catch {
    return null; // "null" (a sandboxed or opaque origin) or not a URL
  }
}
