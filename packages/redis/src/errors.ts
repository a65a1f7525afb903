/**
 * Turns Redis's transient failures (dropped connection, server loading or busy, cluster
 * resharding) into core's `StorageUnavailableError`, so callers and core's retry loop branch on one
 * error type whatever storage they use.
 * @module
 * @internal
 */
import { StorageUnavailableError } from '@waitline/core';

/** Socket error codes of a connection that failed or dropped. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
/** ioredis errors raised when a command could not be sent or answered. */
const CLIENT_ERROR_NAMES = new Set(['MaxRetriesPerRequestError', 'ClusterAllFailedError', 'AbortError']);
/**
 * What ioredis throws when a reply is not RESP (ioredis 6's decoder; redis-parser's ParserError in
 * ioredis 5): the address is some other server's (HTTP, Postgres, a TLS port spoken to in plain text).
 */
const PROTOCOL_MESSAGES = ['Unknown RESP type', 'Protocol error'];
const PROTOCOL_HINT = 'the server does not answer as Redis does: check the host and port (and rediss:// for a TLS port)';

/** Messages of ioredis errors without a dedicated class. */
const CLIENT_MESSAGES = [
  'Connection is closed',
  'Command timed out',
  "Stream isn't writeable",
  'Failed to refresh slots cache',
  'None of startup nodes is available',
];
/**
 * Server replies that mean "try again shortly": a server loading, busy, resharding or failing
 * over, or out of memory (`maxmemory` reached under `noeviction`: a write is refused whole, and
 * goes through once memory is freed).
 */
const TRANSIENT_REPLIES = ['LOADING', 'BUSY', 'TRYAGAIN', 'CLUSTERDOWN', 'MASTERDOWN', 'READONLY', 'NOREPLICAS', 'OOM'];
/** Server replies that refuse the connection's user: a wrong or missing password, or an ACL without what Waitline runs. */
const ACCESS_REPLIES = ['WRONGPASS', 'NOAUTH', 'NOPERM'];
const ACCESS_HINT = "check the connection's password and the user's ACL: Waitline runs EVAL, EVALSHA, SCRIPT and PUBLISH/SUBSCRIBE on the keys of its prefix";

/**
 * True when `err` says the server could not be reached or cannot serve right now; false for a
 * script or command error that would fail again.
 * @internal
 */
export function isTransientRedisError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
  if (CLIENT_ERROR_NAMES.has(err.name)) return true;
  if (CLIENT_MESSAGES.some((m) => err.message.startsWith(m))) return true;
  return err.name === 'ReplyError' && TRANSIENT_REPLIES.some((r) => err.message.startsWith(r));
}

/** True when the server does not know a script by its SHA-1 (restart, SCRIPT FLUSH, failover). @internal */
export function isNoScriptError(err: unknown): boolean {
  return err instanceof Error && err.message.startsWith('NOSCRIPT');
}

/** True when the server refused the connection's user (password, ACL). @internal */
export function isAccessError(err: unknown): boolean {
  if (!(err instanceof Error) || err.name !== 'ReplyError') return false;
  return ACCESS_REPLIES.some((r) => err.message.startsWith(r)) || err.message.includes("can't run this command");
}

/** True when the server's reply was not Redis's protocol (see PROTOCOL_MESSAGES). @internal */
export function isProtocolError(err: unknown): boolean {
  return err instanceof Error && (err.name === 'ParserError' || PROTOCOL_MESSAGES.some((m) => err.message.startsWith(m)));
}

/** A reply's text without the script's SHA-1 and line Redis appends, which name nothing a user can act on. */
function withoutScriptRef(message: string): string {
  return message.replace(/\s*script: [0-9a-f]{40}, on @user_script:\d+\.?/, '');
}

/**
 * Returns the error to throw for `err`: a `StorageUnavailableError` (with `err` as its cause) for
 * a transient failure, for a server that refuses the connection's user, or for one that does not
 * speak Redis's protocol (both saying what to check); `err` itself otherwise. A command given up
 * after its retries says only that; `connectionError`, the client's last connection error, then says why (a refused port, an
 * untrusted TLS certificate, a wrong password).
 * @internal
 */
export function toStorageError(err: unknown, where: string, connectionError?: Error): unknown {
  if (err instanceof StorageUnavailableError) return err;
  const access = isAccessError(err);
  const protocol = !access && isProtocolError(err);
  if (!access && !protocol && !isTransientRedisError(err)) return err;
  let detail = withoutScriptRef(err instanceof Error ? err.message : String(err));
  if (connectionError && err instanceof Error && err.name === 'MaxRetriesPerRequestError') detail += ` Last connection error: ${connectionError.message}`;
  if (access) detail += ` (${ACCESS_HINT})`;
  if (protocol) detail = `${detail.replace(/\.? Please report this\.$/, '')} (${PROTOCOL_HINT})`;
  return new StorageUnavailableError(`Redis storage ${where} is unavailable: ${detail}`, { cause: err });
}

/** How messages name the storage at `where` (a closed one is "<name> is closed"). @internal */
export function storageName(where: string): string {
  return `Redis storage ${where}`;
}
