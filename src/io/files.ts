import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  openSync,
  readFileSync,
  readdirSync,
  realpathSync,
} from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { getSystemErrorMap } from 'node:util';
import { CliError, failureError, usageError } from '../errors.js';

export interface ExistingFile {
  /** the raw bytes, for callers that must check the encoding or copy the file exactly */
  bytes?: Buffer;
  /** UTF-8 text, a leading BOM left in place. */
  text: string;
  /** Permission bits only, e.g. 0o644. */
  mode: number;
  mtimeMs: number;
}

/** Error messages name paths relative to `root` when it is given, else as passed. */
export interface PathDisplayOptions {
  root?: string;
}

export interface WriteFileOptions extends PathDisplayOptions {
  /** The file's mode, set at creation. To keep an existing file's mode, pass `existing.mode`. */
  mode: number;
  createParents?: boolean;
  /** Crash-safety test hook; default: the process-wide counter (see `FaultInjection`). */
  faultInjection?: FaultInjection;
}

/**
 * Test hook that simulates a crash between two writes without mocking anything: a process may
 * complete `writesLeft` atomic writes; the next one (and every later one) fails with
 * FAULT_INJECTED (exit 3) after its temporary file is written and before the rename, so the
 * target keeps its old content and the temporary file stays behind, exactly as after a crash.
 *
 * By default every `writeFileAtomic` in the process shares one counter, created from
 * TSDEVSTACK_FAULT_AFTER_WRITES=N the first time a write needs it (so the built binary can be
 * crashed at any write from an end-to-end test with no wiring). In-process tests pass their own
 * object as `options.faultInjection` instead.
 */
export interface FaultInjection {
  writesLeft: number;
}

export const FAULT_ENV = 'TSDEVSTACK_FAULT_AFTER_WRITES';
const TEMP_MARKER = '.tsds-tmp-';
const TEMP_NAME = /\.tsds-tmp-[0-9a-f]+$/;

/** Parses TSDEVSTACK_FAULT_AFTER_WRITES=N; `undefined` when it is not set. */
export function faultInjectionFromEnv(
  env: Readonly<Record<string, string | undefined>>,
): FaultInjection | undefined {
  const raw = env[FAULT_ENV];
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d+$/.test(raw)) {
    throw usageError(
      'FAULT_INJECTION_INVALID',
      `${FAULT_ENV} must be a whole number of writes, got "${raw}".`,
      `Unset ${FAULT_ENV}: it exists only for crash-safety tests.`,
    );
  }
  return { writesLeft: Number(raw) };
}

let processFaults: { value: FaultInjection | undefined } | undefined;

function processFaultInjection(): FaultInjection | undefined {
  processFaults ??= { value: faultInjectionFromEnv(process.env) };
  return processFaults.value;
}

/**
 * `undefined` when the file does not exist; any other problem is an error (exit 3).
 * Synchronous on purpose: a run reads a hundred small files, and one syscall each without a trip
 * through the event loop is measurably faster for a short-lived CLI (see the bench).
 * A symbolic link whose target is missing is an error, never "missing": treating an unmounted
 * vault as an absent file would regenerate every secret. Opened non-blocking so that a FIFO in a
 * file's place is refused instead of hanging the run with the lock held.
 */
// eslint-disable-next-line @typescript-eslint/require-await -- async for callers; the work is sync
export async function readExistingFile(
  path: string,
  options: PathDisplayOptions = {},
): Promise<ExistingFile | undefined> {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') {
      if (lstatSync(path, { throwIfNoEntry: false })?.isSymbolicLink() !== true) return undefined;
      throw failureError(
        'FILE_BROKEN_LINK',
        `${displayPath(path, options.root)} is a symbolic link to a file that does not exist.`,
        'Mount or restore the link target (or remove the link to start afresh). Nothing was written.',
      );
    }
    throw ioError('FILE_READ_FAILED', 'read', path, error, options.root);
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) {
      throw failureError(
        'FILE_NOT_REGULAR',
        `${displayPath(path, options.root)} is not a regular file (${stats.isDirectory() ? 'EISDIR: it is a directory' : 'a FIFO, socket or device'}).`,
        'Replace it with a regular file. Nothing was written.',
      );
    }
    const bytes = readFileSync(fd);
    return {
      text: bytes.toString('utf8'),
      mode: stats.mode & 0o777,
      mtimeMs: stats.mtimeMs,
      bytes,
    };
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw ioError('FILE_READ_FAILED', 'read', path, error, options.root);
  } finally {
    closeSync(fd);
  }
}

/**
 * The exact bytes of a file (for a backup of a file that may not be valid UTF-8); `undefined`
 * when it does not exist; any other problem is an error (exit 3).
 */
export async function readExistingBytes(
  path: string,
  options: PathDisplayOptions = {},
): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return undefined;
    throw ioError('FILE_READ_FAILED', 'read', path, error, options.root);
  }
}

/**
 * Replaces `target` atomically: a crash at any instant leaves the old or the new content, never a
 * torn file. The temporary file is created with `options.mode` (then fchmod, so umask cannot widen
 * or narrow it) in the target's folder, fsynced, renamed over the target, and the folder fsynced.
 */
export async function writeFileAtomic(
  target: string,
  content: string | Uint8Array,
  options: WriteFileOptions,
): Promise<void> {
  const faults = options.faultInjection ?? processFaultInjection();
  // Writing through a symbolic link updates the file it points to; renaming over the link
  // itself would silently detach it from its target.
  target = resolveLink(target);
  const dir = dirname(target);
  if (options.createParents === true) {
    try {
      await mkdir(dir, { recursive: true });
    } catch (error) {
      throw ioError('FILE_WRITE_FAILED', 'write', target, error, options.root);
    }
  }
  const temp = `${target}${TEMP_MARKER}${randomBytes(8).toString('hex')}`;
  let handle: FileHandle | undefined;
  let tempExists = false;
  try {
    handle = await open(temp, 'wx', options.mode);
    tempExists = true;
    await handle.chmod(options.mode);
    await handle.writeFile(content, 'utf8');
    await handle.sync();
    await handle.close();
    handle = undefined;
    spendWrite(faults, target, options.root);
    await rename(temp, target);
    tempExists = false;
    await syncDirectory(dir);
  } catch (error) {
    await handle?.close().catch(() => undefined);
    if (error instanceof CliError && error.code === 'FAULT_INJECTED') throw error;
    if (tempExists) await unlink(temp).catch(() => undefined);
    throw ioError('FILE_WRITE_FAILED', 'write', target, error, options.root);
  }
}

function resolveLink(target: string): string {
  try {
    if (lstatSync(target, { throwIfNoEntry: false })?.isSymbolicLink() !== true) return target;
    return realpathSync(target);
  } catch {
    // ENOTDIR and friends: the write below reports them with the target's name.
    return target;
  }
}

/** Changes only the mode, e.g. narrows a 0644 secrets file to 0600; the content is untouched. */
export async function setFileMode(
  target: string,
  mode: number,
  options: PathDisplayOptions = {},
): Promise<void> {
  try {
    await chmod(target, mode);
  } catch (error) {
    throw ioError('FILE_MODE_FAILED', 'change the mode of', target, error, options.root);
  }
}

/** Deletes `target`; a file that is already gone is fine. */
export async function removeFile(target: string, options: PathDisplayOptions = {}): Promise<void> {
  try {
    await unlink(target);
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return;
    throw ioError('FILE_REMOVE_FAILED', 'remove', target, error, options.root);
  }
}

/**
 * Deletes `<name>.tsds-tmp-<hex>` files (left by a crashed run) directly inside each folder.
 * Call it only while holding the project lock: every writer holds it, so any temp file seen then
 * is stale. Missing folders are skipped. Returns the removed files' paths (folder joined to name).
 */
export async function removeStaleTempFiles(
  dirs: string[],
  options: PathDisplayOptions = {},
): Promise<string[]> {
  const removed: string[] = [];
  for (const dir of dirs) {
    let names: string[];
    try {
      // Names only: reading each entry's type costs a stat per file, and only our own temp names
      // (which are always files) are ever removed.
      names = readdirSync(dir).filter((name) => TEMP_NAME.test(name));
    } catch (error) {
      const errno = errnoOf(error);
      if (errno === 'ENOENT' || errno === 'ENOTDIR') continue;
      throw ioError('FILE_CLEANUP_FAILED', 'list', dir, error, options.root);
    }
    for (const name of names.sort()) {
      const path = join(dir, name);
      try {
        await unlink(path);
        removed.push(path);
      } catch (error) {
        if (errnoOf(error) === 'ENOENT' || errnoOf(error) === 'EISDIR') continue;
        throw ioError('FILE_CLEANUP_FAILED', 'remove', path, error, options.root);
      }
    }
  }
  return removed;
}

function spendWrite(faults: FaultInjection | undefined, target: string, root?: string): void {
  if (faults === undefined) return;
  if (faults.writesLeft <= 0) {
    throw failureError(
      'FAULT_INJECTED',
      `Injected failure before replacing ${displayPath(target, root)} (${FAULT_ENV}).`,
      `Unset ${FAULT_ENV} and run the command again.`,
    );
  }
  faults.writesLeft -= 1;
}

async function syncDirectory(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (error) {
    // Some platforms and file systems cannot open or fsync a folder; the rename is done anyway.
    const errno = errnoOf(error);
    if (errno !== 'EINVAL' && errno !== 'EISDIR' && errno !== 'EPERM') throw error;
  } finally {
    await handle?.close();
  }
}

export function errnoOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}

function displayPath(path: string, root: string | undefined): string {
  if (root === undefined) return path;
  return relative(root, path) || '.';
}

function ioError(
  code: string,
  action: string,
  path: string,
  error: unknown,
  root: string | undefined,
): CliError {
  const shown = displayPath(path, root);
  const errno = errnoOf(error);
  const description = describeErrno(error);
  const reason =
    errno === undefined
      ? error instanceof Error
        ? error.message
        : String(error)
      : `${errno}${description === undefined ? '' : ` (${description})`}`;
  return failureError(
    code,
    `Could not ${action} ${shown}: ${reason}`,
    hintFor(errno, shown, displayPath(dirname(path), root)),
    error,
  );
}

function describeErrno(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('errno' in error)) return undefined;
  const errno = error.errno;
  return typeof errno === 'number' ? getSystemErrorMap().get(errno)?.[1] : undefined;
}

function hintFor(errno: string | undefined, path: string, dir: string): string {
  switch (errno) {
    case 'ENOSPC':
    case 'EDQUOT':
      return `The disk (or your quota) is full. Free some space and run the command again; ${path} was left as it was.`;
    case 'EACCES':
    case 'EPERM':
      return `Check the owner and permissions of ${path} and of its folder ${dir}.`;
    case 'EROFS':
      return `${dir} is on a read-only file system.`;
    case 'ENOTDIR':
      return `Part of the folder path ${dir} is a file, not a folder.`;
    case 'ENOENT':
      return `The folder ${dir} does not exist.`;
    case 'EISDIR':
      return `${path} is a folder; move it out of the way and run the command again.`;
    case 'EMFILE':
    case 'ENFILE':
      return 'Too many files are open; close some programs and run the command again.';
    default:
      return 'Run the command again with --debug for details.';
  }
}
