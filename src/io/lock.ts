import { open, stat, unlink } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CliError } from '../errors.js';
import { failureError, usageError } from '../errors.js';
import { errnoOf } from './files.js';

export const LOCK_FILE = '.tsdevstack/.secrets.lock';
export const LOCK_TIMEOUT_ENV = 'TSDEVSTACK_LOCK_TIMEOUT_MS';
export const DEFAULT_LOCK_TIMEOUT_MS = 10_000;
/** A lock held this long is taken over whoever holds it (a writing command takes seconds). */
export const STALE_LOCK_AGE_MS = 10 * 60_000;
/** A lock file without valid content is a crash between its creation and its write. */
const UNREADABLE_GRACE_MS = 5_000;
const POLL_MS = 50;

export interface LockHandle {
  /** Deletes the lock if it is still ours (it may have been taken over); safe to call twice. */
  release(): Promise<void>;
}

export interface AcquireLockOptions {
  /** How long to wait for another holder. Default: TSDEVSTACK_LOCK_TIMEOUT_MS, else 10 s. */
  timeoutMs?: number;
  /** Clock for the lock's start time and age checks (not for the wait), injectable for tests. */
  now?: () => number;
}

interface Holder {
  pid: number;
  host: string;
  startedAt: string;
}

type LockState =
  | { kind: 'missing' }
  | { kind: 'held'; holder: Holder; stale: boolean }
  | { kind: 'unreadable'; stale: boolean };

/**
 * Takes the project's exclusive write lock, `.tsdevstack/.secrets.lock` (mode 0600, JSON
 * `{pid, host, startedAt}`), polling while another command holds it. A lock whose process is
 * dead on this host, that is older than 10 minutes, or that has been unreadable for a few seconds
 * is taken over. Times out with LOCK_TIMEOUT (exit 3) naming the holder.
 */
export async function acquireLock(
  projectRoot: string,
  options: AcquireLockOptions = {},
): Promise<LockHandle> {
  const now = options.now ?? Date.now;
  const timeoutMs = options.timeoutMs ?? timeoutFromEnv(process.env) ?? DEFAULT_LOCK_TIMEOUT_MS;
  const lockPath = join(projectRoot, LOCK_FILE);
  const host = hostname();
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const text = `${JSON.stringify({ pid: process.pid, host, startedAt: new Date(now()).toISOString() })}\n`;
    if (await createExclusive(lockPath, text)) return lockHandle(lockPath, text);
    const state = await inspectLock(lockPath, host, now);
    if (state.kind === 'missing') continue; // released between our two steps: try again at once
    if (state.stale && (await takeOver(lockPath, host, now))) continue;
    if (performance.now() >= deadline) throw timeoutError(lockPath, state, timeoutMs);
    await sleep(POLL_MS + Math.floor(Math.random() * POLL_MS));
  }
}

function lockHandle(lockPath: string, text: string): LockHandle {
  let released = false;
  return {
    async release() {
      if (released) return;
      released = true;
      const current = await readLockFile(lockPath);
      if (current?.text !== text) return; // taken over by someone else: theirs now
      await unlink(lockPath).catch((error: unknown) => {
        if (errnoOf(error) !== 'ENOENT') throw lockError(lockPath, error);
      });
    },
  };
}

/** Creates `path` with 'wx' and mode 0600; false when it already exists. */
async function createExclusive(path: string, text: string): Promise<boolean> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'wx', 0o600);
  } catch (error) {
    if (errnoOf(error) === 'EEXIST') return false;
    throw lockError(path, error);
  }
  try {
    await handle.chmod(0o600);
    await handle.writeFile(text, 'utf8');
  } catch (error) {
    await handle.close().catch(() => undefined);
    await unlink(path).catch(() => undefined);
    throw lockError(path, error);
  }
  await handle.close();
  return true;
}

async function readLockFile(path: string): Promise<{ text: string; mtimeMs: number } | undefined> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return undefined;
    throw lockError(path, error);
  }
  try {
    const { mtimeMs } = await handle.stat();
    return { text: await handle.readFile({ encoding: 'utf8' }), mtimeMs };
  } catch (error) {
    throw lockError(path, error);
  } finally {
    await handle.close();
  }
}

async function inspectLock(lockPath: string, host: string, now: () => number): Promise<LockState> {
  const file = await readLockFile(lockPath);
  if (file === undefined) return { kind: 'missing' };
  const holder = parseHolder(file.text);
  if (holder === undefined) {
    return { kind: 'unreadable', stale: now() - file.mtimeMs > UNREADABLE_GRACE_MS };
  }
  const tooOld = now() - Date.parse(holder.startedAt) > STALE_LOCK_AGE_MS;
  const dead = holder.host === host && !isAlive(holder.pid);
  return { kind: 'held', holder, stale: tooOld || dead };
}

function parseHolder(text: string): Holder | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { pid, host, startedAt } = value as Record<string, unknown>;
  // pid 0 and negative pids address process groups in process.kill: never probe those.
  if (typeof pid !== 'number' || !Number.isSafeInteger(pid) || pid <= 0) return undefined;
  if (typeof host !== 'string' || typeof startedAt !== 'string') return undefined;
  if (Number.isNaN(Date.parse(startedAt))) return undefined;
  return { pid, host, startedAt };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errnoOf(error) !== 'ESRCH'; // EPERM: it exists, it is just not ours
  }
}

/**
 * Deletes a stale lock. Two waiters may judge the same lock stale at once; deleting it directly
 * could delete the fresh lock the faster one just created. So takeovers are serialized by a
 * second exclusive file, and the lock is re-inspected under it before it is deleted.
 * Returns false when another process is taking over right now.
 */
async function takeOver(lockPath: string, host: string, now: () => number): Promise<boolean> {
  const guardPath = `${lockPath}.takeover`;
  if (!(await createExclusive(guardPath, ''))) {
    await removeStaleGuard(guardPath, now);
    return false;
  }
  try {
    const state = await inspectLock(lockPath, host, now);
    if (state.kind !== 'missing' && state.stale) await removeIfPresent(lockPath);
  } finally {
    await removeIfPresent(guardPath);
  }
  return true;
}

/** A guard outlives a takeover only if that process crashed in the middle of it. */
async function removeStaleGuard(guardPath: string, now: () => number): Promise<void> {
  try {
    const { mtimeMs } = await stat(guardPath);
    if (now() - mtimeMs > UNREADABLE_GRACE_MS) await removeIfPresent(guardPath);
  } catch (error) {
    if (errnoOf(error) !== 'ENOENT') throw lockError(guardPath, error);
  }
}

async function removeIfPresent(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (error) {
    if (errnoOf(error) !== 'ENOENT') throw lockError(path, error);
  }
}

function timeoutFromEnv(env: Readonly<Record<string, string | undefined>>): number | undefined {
  const raw = env[LOCK_TIMEOUT_ENV];
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d+$/.test(raw)) {
    throw usageError(
      'LOCK_TIMEOUT_INVALID',
      `${LOCK_TIMEOUT_ENV} must be a whole number of milliseconds, got "${raw}".`,
    );
  }
  return Number(raw);
}

function timeoutError(lockPath: string, state: LockState, timeoutMs: number): CliError {
  const holder =
    state.kind === 'held'
      ? `by pid ${state.holder.pid} on host ${state.holder.host}, started at ${state.holder.startedAt}`
      : 'by an unknown process (the lock file is empty or unreadable)';
  return failureError(
    'LOCK_TIMEOUT',
    `Another command is writing this project's secrets: ${LOCK_FILE} is held ${holder}. Gave up after ${timeoutMs / 1000} s.`,
    `Wait for it to finish and run the command again. If that process is gone, delete ${lockPath} and run again.`,
  );
}

function lockError(path: string, error: unknown): CliError {
  const errno = errnoOf(error) ?? (error instanceof Error ? error.message : String(error));
  return failureError(
    'LOCK_FAILED',
    `Could not use the lock file ${path}: ${errno}`,
    `Check that the folder ${join(path, '..')} exists and is writable.`,
    error,
  );
}
