import { mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CliError } from '../src/errors.js';
import {
  faultInjectionFromEnv,
  readExistingFile,
  removeFile,
  removeStaleTempFiles,
  setFileMode,
  writeFileAtomic,
} from '../src/io/files.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tsds-files-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function modeOf(path: string): Promise<number> {
  return (await stat(path)).mode & 0o777;
}

async function tempFilesIn(folder: string): Promise<string[]> {
  return (await readdir(folder)).filter((name) => name.includes('.tsds-tmp-'));
}

async function caught(promise: Promise<unknown>): Promise<CliError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CliError);
  return error as CliError;
}

function withUmask<T>(mask: number, run: () => Promise<T>): Promise<T> {
  const previous = process.umask(mask);
  return run().finally(() => process.umask(previous));
}

describe('readExistingFile', () => {
  it('returns undefined for a missing file', async () => {
    expect(await readExistingFile(join(dir, 'nope.json'))).toBeUndefined();
  });

  it('returns text with the BOM left in place, the permission bits and the mtime', async () => {
    const path = join(dir, 'a.json');
    await writeFile(path, '\uFEFF{"a":1}\r\n', { mode: 0o640 });
    await utimes(path, 1_700_000_000, 1_700_000_000);
    const file = await readExistingFile(path);
    expect(file).toMatchObject({
      text: '\uFEFF{"a":1}\r\n',
      mode: 0o640,
      mtimeMs: 1_700_000_000_000,
    });
    expect(file?.bytes?.equals(Buffer.from('\uFEFF{"a":1}\r\n'))).toBe(true);
  });

  it('fails with exit 3 naming the path relative to root for a folder', async () => {
    await mkdir(join(dir, 'sub', '.env'), { recursive: true });
    const error = await caught(readExistingFile(join(dir, 'sub', '.env'), { root: dir }));
    expect(error.exitCode).toBe(3);
    expect(error.code).toBe('FILE_NOT_REGULAR');
    expect(error.message).toContain(join('sub', '.env'));
    expect(error.message).not.toContain(dir);
    expect(error.message).toContain('EISDIR');
  });

  it('treats a parent that is a file as an error, not as missing', async () => {
    await writeFile(join(dir, 'file'), 'x');
    const error = await caught(readExistingFile(join(dir, 'file', 'child.json')));
    expect(error.exitCode).toBe(3);
    expect(error.message).toContain('ENOTDIR');
  });
});

describe('writeFileAtomic', () => {
  it('creates the file 0600 even with umask 0', async () => {
    const path = join(dir, '.secrets.local.json');
    await withUmask(0, () => writeFileAtomic(path, '{}\n', { mode: 0o600 }));
    expect(await modeOf(path)).toBe(0o600);
    expect(await readFile(path, 'utf8')).toBe('{}\n');
  });

  it('creates 0644 files as 0644 even with a restrictive umask', async () => {
    const path = join(dir, 'secret-map.json');
    await withUmask(0o077, () => writeFileAtomic(path, '{}\n', { mode: 0o644 }));
    expect(await modeOf(path)).toBe(0o644);
  });

  it('replaces the content and mode, leaving no temporary file', async () => {
    const path = join(dir, '.env');
    await writeFile(path, 'OLD=1\n', { mode: 0o644 });
    await writeFileAtomic(path, 'NEW="ü"\n', { mode: 0o600 });
    expect(await readFile(path, 'utf8')).toBe('NEW="ü"\n');
    expect(await modeOf(path)).toBe(0o600);
    expect(await readdir(dir)).toEqual(['.env']);
  });

  it('creates missing parent folders only when asked', async () => {
    const path = join(dir, 'apps', 'web', '.env');
    const error = await caught(writeFileAtomic(path, 'A="1"\n', { mode: 0o600, root: dir }));
    expect(error.exitCode).toBe(3);
    expect(error.code).toBe('FILE_WRITE_FAILED');
    expect(error.message).toContain(`Could not write ${join('apps', 'web', '.env')}: ENOENT`);
    expect(error.hint).toContain('does not exist');

    await writeFileAtomic(path, 'A="1"\n', { mode: 0o600, createParents: true });
    expect(await readFile(path, 'utf8')).toBe('A="1"\n');
  });

  it('fails with exit 3 naming the target and the errno when the parent is a file', async () => {
    await writeFile(join(dir, 'apps'), 'not a folder');
    const target = join(dir, 'apps', '.env');
    const error = await caught(writeFileAtomic(target, 'x', { mode: 0o600, createParents: true }));
    expect(error.exitCode).toBe(3);
    expect(error.message).toContain(target);
    expect(error.message).toMatch(/ENOTDIR|EEXIST/);
    expect(await readdir(dir)).toEqual(['apps']);
  });

  it('keeps the old content and removes its temporary file when the rename fails', async () => {
    // A non-empty folder where the file should be: the temp file is written, the rename fails.
    const target = join(dir, '.secrets.local.json');
    await mkdir(target);
    await writeFile(join(target, 'keep'), 'old');
    const error = await caught(writeFileAtomic(target, 'new', { mode: 0o600, root: dir }));
    expect(error.exitCode).toBe(3);
    expect(error.message).toMatch(/^Could not write \.secrets\.local\.json: E[A-Z]+/);
    expect(await readFile(join(target, 'keep'), 'utf8')).toBe('old');
    expect(await tempFilesIn(dir)).toEqual([]);
  });

  it('injected fault: the (N+1)th write fails before its rename, leaving old content and a temp file', async () => {
    const faults = { writesLeft: 1 };
    const first = join(dir, '.secrets.tsdevstack.json');
    const second = join(dir, '.secrets.local.json');
    await writeFile(second, 'old', { mode: 0o600 });

    await writeFileAtomic(first, 'framework', { mode: 0o600, faultInjection: faults });
    const error = await caught(
      writeFileAtomic(second, 'new', { mode: 0o600, faultInjection: faults, root: dir }),
    );
    expect(error.exitCode).toBe(3);
    expect(error.code).toBe('FAULT_INJECTED');
    expect(error.message).toContain('.secrets.local.json');
    expect(await readFile(first, 'utf8')).toBe('framework');
    expect(await readFile(second, 'utf8')).toBe('old');
    const temps = await tempFilesIn(dir);
    expect(temps).toHaveLength(1);
    expect(temps[0]).toMatch(/^\.secrets\.local\.json\.tsds-tmp-[0-9a-f]+$/);
    expect(await readFile(join(dir, temps[0] ?? ''), 'utf8')).toBe('new');

    // Every later write fails too, as after a crash.
    await caught(writeFileAtomic(first, 'again', { mode: 0o600, faultInjection: faults }));
    expect(await readFile(first, 'utf8')).toBe('framework');

    // The next run cleans up and converges.
    expect(await removeStaleTempFiles([dir])).toHaveLength(2);
    await writeFileAtomic(second, 'new', { mode: 0o600 });
    expect(await readFile(second, 'utf8')).toBe('new');
    expect(await tempFilesIn(dir)).toEqual([]);
  });

  it('by default counts writes process-wide from TSDEVSTACK_FAULT_AFTER_WRITES, read once', async () => {
    const saved = process.env.TSDEVSTACK_FAULT_AFTER_WRITES;
    process.env.TSDEVSTACK_FAULT_AFTER_WRITES = '2';
    try {
      vi.resetModules(); // a fresh module instance, as in a new process
      const fresh = await import('../src/io/files.js');
      await fresh.writeFileAtomic(join(dir, 'a'), 'a', { mode: 0o600 });
      process.env.TSDEVSTACK_FAULT_AFTER_WRITES = '100'; // read once: no effect any more
      await fresh.writeFileAtomic(join(dir, 'b'), 'b', { mode: 0o600 });
      const error: unknown = await fresh
        .writeFileAtomic(join(dir, 'c'), 'c', { mode: 0o600 })
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'FAULT_INJECTED', exitCode: 3 });
      expect((await readdir(dir)).sort()).toEqual([
        'a',
        'b',
        expect.stringMatching(/^c\.tsds-tmp-/),
      ]);
    } finally {
      if (saved === undefined) delete process.env.TSDEVSTACK_FAULT_AFTER_WRITES;
      else process.env.TSDEVSTACK_FAULT_AFTER_WRITES = saved;
      vi.resetModules();
    }
  });
});

describe('faultInjectionFromEnv', () => {
  it('parses a whole number and rejects anything else with exit 2', () => {
    expect(faultInjectionFromEnv({})).toBeUndefined();
    expect(faultInjectionFromEnv({ TSDEVSTACK_FAULT_AFTER_WRITES: '' })).toBeUndefined();
    expect(faultInjectionFromEnv({ TSDEVSTACK_FAULT_AFTER_WRITES: '0' })).toEqual({
      writesLeft: 0,
    });
    expect(faultInjectionFromEnv({ TSDEVSTACK_FAULT_AFTER_WRITES: '3' })).toEqual({
      writesLeft: 3,
    });
    expect(() => faultInjectionFromEnv({ TSDEVSTACK_FAULT_AFTER_WRITES: 'two' })).toThrow(
      expect.objectContaining({ code: 'FAULT_INJECTION_INVALID', exitCode: 2 }) as Error,
    );
  });
});

describe('setFileMode and removeFile', () => {
  it('narrows the mode without touching the content', async () => {
    const path = join(dir, '.secrets.user.json');
    await writeFile(path, '{"secrets":{}}', { mode: 0o644 });
    await setFileMode(path, 0o600);
    expect(await modeOf(path)).toBe(0o600);
    expect(await readFile(path, 'utf8')).toBe('{"secrets":{}}');
  });

  it('fails with exit 3 for a missing file', async () => {
    const error = await caught(setFileMode(join(dir, 'gone'), 0o600));
    expect(error.exitCode).toBe(3);
    expect(error.code).toBe('FILE_MODE_FAILED');
  });

  it('removes a file and accepts one that is already gone', async () => {
    const path = join(dir, '.env');
    await writeFile(path, 'x');
    await removeFile(path);
    await removeFile(path);
    expect(await readdir(dir)).toEqual([]);
  });

  it('fails with exit 3 when the target is a folder', async () => {
    await mkdir(join(dir, '.env'));
    const error = await caught(removeFile(join(dir, '.env'), { root: dir }));
    expect(error.exitCode).toBe(3);
    expect(error.message).toMatch(/^Could not remove \.env: E[A-Z]+/);
  });
});

describe('removeStaleTempFiles', () => {
  it('deletes only our temp files, non-recursively, and skips missing folders', async () => {
    const apps = join(dir, 'apps', 'web');
    await mkdir(join(apps, 'nested'), { recursive: true });
    await writeFile(join(dir, '.secrets.local.json'), 'keep');
    await writeFile(join(dir, '.secrets.local.json.tsds-tmp-0badc0ffee'), 'stale');
    await writeFile(join(dir, 'notes.tsds-tmp-backup'), 'not ours: not hex');
    await mkdir(join(dir, 'folder.tsds-tmp-aa'));
    await writeFile(join(apps, '.env.tsds-tmp-12ab'), 'stale');
    await writeFile(join(apps, 'nested', '.env.tsds-tmp-12ab'), 'not listed');

    const removed = await removeStaleTempFiles([dir, apps, join(dir, 'missing')]);

    expect(removed).toEqual([
      join(dir, '.secrets.local.json.tsds-tmp-0badc0ffee'),
      join(apps, '.env.tsds-tmp-12ab'),
    ]);
    expect((await readdir(dir)).sort()).toEqual([
      '.secrets.local.json',
      'apps',
      'folder.tsds-tmp-aa',
      'notes.tsds-tmp-backup',
    ]);
    expect(await readdir(join(apps, 'nested'))).toEqual(['.env.tsds-tmp-12ab']);
    expect(await removeStaleTempFiles([dir, apps])).toEqual([]);
  });
});
