import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CliError } from '../src/errors.js';
import { findProjectRoot } from '../src/io/project-root.js';

let base: string;

beforeEach(async () => {
  base = await mkdtemp(join(tmpdir(), 'tsds-root-'));
});

afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

async function makeProject(dir: string): Promise<void> {
  await mkdir(join(dir, '.tsdevstack'), { recursive: true });
  await writeFile(join(dir, '.tsdevstack', 'config.json'), '{}');
}

async function caught(promise: Promise<unknown>): Promise<CliError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CliError);
  return error as CliError;
}

describe('findProjectRoot', () => {
  it('returns the start folder when it holds .tsdevstack/config.json', async () => {
    await makeProject(base);
    expect(await findProjectRoot(base)).toBe(base);
  });

  it('walks up from a nested folder to the nearest project', async () => {
    await makeProject(base);
    const deep = join(base, 'apps', 'web', 'src');
    await mkdir(deep, { recursive: true });
    expect(await findProjectRoot(deep)).toBe(base);

    const inner = join(base, 'apps', 'web');
    await makeProject(inner);
    expect(await findProjectRoot(deep)).toBe(inner);
  });

  it('returns an absolute path for a relative start folder', async () => {
    await makeProject(base);
    const nested = join(base, 'a', 'b');
    await mkdir(nested, { recursive: true });
    expect(await findProjectRoot(relative(process.cwd(), nested))).toBe(base);
  });

  it('does not count a .tsdevstack folder without config.json, or a config.json folder', async () => {
    await mkdir(join(base, '.tsdevstack', 'config.json'), { recursive: true });
    const error = await caught(findProjectRoot(base));
    expect(error.code).toBe('PROJECT_NOT_FOUND');
  });

  it('fails with exit 2 naming the start folder when no project is found', async () => {
    const start = join(base, 'somewhere');
    await mkdir(start);
    const error = await caught(findProjectRoot(start));
    expect(error.exitCode).toBe(2);
    expect(error.code).toBe('PROJECT_NOT_FOUND');
    expect(error.message).toContain(start);
    expect(error.message).toContain('.tsdevstack/config.json');
    expect(error.hint).toContain('--cwd DIR');
  });

  it('fails with exit 2 for a --cwd that does not exist or is a file', async () => {
    const missing = await caught(findProjectRoot(join(base, 'missing')));
    expect(missing.exitCode).toBe(2);
    expect(missing.code).toBe('CWD_NOT_FOUND');
    expect(missing.message).toContain(join(base, 'missing'));

    await writeFile(join(base, 'file'), '');
    const file = await caught(findProjectRoot(join(base, 'file')));
    expect(file.exitCode).toBe(2);
    expect(file.message).toContain('not a folder');
  });
});
