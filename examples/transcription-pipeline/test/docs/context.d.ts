/**
 * What the documentation's TypeScript fragments take as given: the app's storage, queues, pool
 * and helpers, declared once so every fragment type-checks against the real packages without
 * repeating its setup. Keep it to names a reader would recognise from the text around a fragment.
 */
import type { Readable } from 'node:stream';
import type { Queue, Storage } from '@waitline/core';
import type pg from 'pg';

declare global {
  /** The storage a fragment works on (any of SQLite, Postgres, Redis, memory). */
  const storage: Storage;
  /** The two ends of a move. */
  const sqlite: Storage;
  const postgres: Storage;
  /** The app's own Postgres pool. */
  const pool: pg.Pool;
  /** The README's transcription queue and a second queue. */
  const transcribe: Queue<{ meetingId: string; audioSeconds?: number }, { words: number }>;
  const embed: Queue<{ documentId: string }, unknown>;
  /** The app's own admin check. */
  function isAdmin(request: Request): boolean | Promise<boolean>;
  /** A secret the app holds. */
  const token: string;
  /** Where an export is written, and the stream an import reads. */
  const file: { write(text: string): unknown };
  const input: Readable;
  const readline: typeof import('node:readline');
  /** A fast job's work. */
  function resize(payload: unknown): Promise<unknown>;
}
