import { stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { failureError, usageError } from '../errors.js';
import { errnoOf } from './files.js';

export const CONFIG_FILE = '.tsdevstack/config.json';

/**
 * The nearest folder at or above `startDir` that holds `.tsdevstack/config.json`, as an absolute
 * path (symlinks kept as given, so paths shown to the user match what they typed).
 */
export async function findProjectRoot(startDir: string): Promise<string> {
  const start = resolve(startDir);
  await assertDirectory(start);
  for (let dir = start; ; dir = dirname(dir)) {
    if (await isFile(join(dir, CONFIG_FILE))) return dir;
    if (dirname(dir) === dir) break;
  }
  throw usageError(
    'PROJECT_NOT_FOUND',
    `No tsdevstack project found at or above ${start} (looked for ${CONFIG_FILE}).`,
    'Run the command inside a tsdevstack project, or pass --cwd DIR pointing at one.',
  );
}

async function assertDirectory(dir: string): Promise<void> {
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(dir)).isDirectory();
  } catch (error) {
    const errno = errnoOf(error);
    if (errno === 'ENOENT' || errno === 'ENOTDIR') {
      throw usageError(
        'CWD_NOT_FOUND',
        `The folder ${dir} does not exist.`,
        'Check the path given to --cwd.',
      );
    }
    throw failureError(
      'CWD_UNREADABLE',
      `Could not open ${dir}: ${errno ?? String(error)}`,
      undefined,
      error,
    );
  }
  if (!isDirectory) {
    throw usageError(
      'CWD_NOT_FOUND',
      `${dir} is not a folder.`,
      'Pass --cwd a folder, not a file.',
    );
  }
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch (error) {
    const errno = errnoOf(error);
    if (errno === 'ENOENT' || errno === 'ENOTDIR') return false;
    throw failureError(
      'PROJECT_ROOT_UNREADABLE',
      `Could not check ${path}: ${errno ?? String(error)}`,
      'Check the permissions of the folders above the working directory.',
      error,
    );
  }
}
