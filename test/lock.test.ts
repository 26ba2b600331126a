import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CliError } from '../src/errors.js';
import { acquireLock } from '../src/io/lock.js';

let root: string;
let lockPath: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'tsds-lock-'));
  await mkdir(join(root, '.tsdevstack'));
  lockPath = join(root, '.tsdevstack', '.secrets.lock');
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function writeLock(holder: object | string): Promise<void> {
  const text = typeof holder === 'string' ? holder : JSON.stringify(holder);
  await writeFile(lockPath, text, { mode: 0o600 });
}

async function readHolder(): Promise<{ pid: number; host: string; startedAt: string }> {
  return JSON.parse(await readFile(lockPath, 'utf8')) as {
    pid: number;
    host: string;
    startedAt: string;
  };
}

async function caught(promise: Promise<unknown>): Promise<CliError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CliError);
  return error as CliError;
}

async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await once(child, 'exit');
  expect(child.pid).toBeTypeOf('number');
  return child.pid ?? -1;
}

describe('acquireLock', () => {
  it('creates a 0600 lock holding pid, host and start time, and release deletes it', async () => {
    const before = Date.now();
    const lock = await acquireLock(root);
    expect((await stat(lockPath)).mode & 0o777).toBe(0o600);
    const holder = await readHolder();
    expect(holder.pid).toBe(process.pid);
    expect(holder.host).toBe(hostname());
    expect(Date.parse(holder.startedAt)).toBeGreaterThanOrEqual(before - 1000);
    await lock.release();
    await lock.release(); // idempotent
    expect(await readdir(join(root, '.tsdevstack'))).toEqual([]);
  });

  it('makes a second acquirer wait until the first releases', async () => {
    const first = await acquireLock(root);
    let secondAcquired = false;
    const second = acquireLock(root, { timeoutMs: 5000 }).then((lock) => {
      secondAcquired = true;
      return lock;
    });
    await sleep(400);
    expect(secondAcquired).toBe(false);
    await first.release();
    const lock = await second;
    expect(secondAcquired).toBe(true);
    expect(await readHolder()).toMatchObject({ pid: process.pid });
    await lock.release();
    expect(await readdir(join(root, '.tsdevstack'))).toEqual([]);
  });

  it('never lets two holders in at once under contention', async () => {
    let inside = 0;
    let maxInside = 0;
    const worker = async (): Promise<void> => {
      const lock = await acquireLock(root, { timeoutMs: 10_000 });
      inside += 1;
      maxInside = Math.max(maxInside, inside);
      await sleep(20);
      inside -= 1;
      await lock.release();
    };
    await Promise.all(Array.from({ length: 6 }, worker));
    expect(maxInside).toBe(1);
  });

  it('times out with exit 3 naming the lock and its holder', async () => {
    const startedAt = new Date().toISOString();
    await writeLock({ pid: process.ppid, host: hostname(), startedAt });
    const began = performance.now();
    const error = await caught(acquireLock(root, { timeoutMs: 300 }));
    expect(performance.now() - began).toBeGreaterThanOrEqual(290);
    expect(error.exitCode).toBe(3);
    expect(error.code).toBe('LOCK_TIMEOUT');
    expect(error.message).toContain('.tsdevstack/.secrets.lock');
    expect(error.message).toContain(`pid ${process.ppid}`);
    expect(error.message).toContain(hostname());
    expect(error.message).toContain(startedAt);
    expect(error.hint).toContain(`delete ${lockPath}`);
    expect(await readHolder()).toMatchObject({ pid: process.ppid }); // untouched
  });

  it('reads the timeout from TSDEVSTACK_LOCK_TIMEOUT_MS when none is passed', async () => {
    await writeLock({ pid: process.ppid, host: hostname(), startedAt: new Date().toISOString() });
    const saved = process.env.TSDEVSTACK_LOCK_TIMEOUT_MS;
    process.env.TSDEVSTACK_LOCK_TIMEOUT_MS = '150';
    try {
      const began = performance.now();
      const error = await caught(acquireLock(root));
      expect(error.code).toBe('LOCK_TIMEOUT');
      expect(performance.now() - began).toBeLessThan(3000);
    } finally {
      if (saved === undefined) delete process.env.TSDEVSTACK_LOCK_TIMEOUT_MS;
      else process.env.TSDEVSTACK_LOCK_TIMEOUT_MS = saved;
    }
  });

  it('takes over a lock whose process is dead on this host', async () => {
    const pid = await deadPid();
    await writeLock({ pid, host: hostname(), startedAt: new Date().toISOString() });
    const lock = await acquireLock(root, { timeoutMs: 2000 });
    expect(await readHolder()).toMatchObject({ pid: process.pid });
    await lock.release();
  });

  it('does not judge a pid from another host, and waits instead', async () => {
    const pid = await deadPid();
    await writeLock({ pid, host: `not-${hostname()}`, startedAt: new Date().toISOString() });
    const error = await caught(acquireLock(root, { timeoutMs: 200 }));
    expect(error.code).toBe('LOCK_TIMEOUT');
    expect(error.message).toContain(`not-${hostname()}`);
  });

  it('lets exactly one of several waiters take over the same dead lock at a time', async () => {
    await writeLock({
      pid: await deadPid(),
      host: hostname(),
      startedAt: new Date().toISOString(),
    });
    let inside = 0;
    let maxInside = 0;
    const worker = async (): Promise<void> => {
      const lock = await acquireLock(root, { timeoutMs: 10_000 });
      inside += 1;
      maxInside = Math.max(maxInside, inside);
      await sleep(20);
      inside -= 1;
      await lock.release();
    };
    await Promise.all(Array.from({ length: 6 }, worker));
    expect(maxInside).toBe(1);
    expect(await readdir(join(root, '.tsdevstack'))).toEqual([]);
  });

  it('leaves a stale lock alone while another process is taking it over, unless that stalls', async () => {
    const pid = await deadPid();
    await writeLock({ pid, host: hostname(), startedAt: new Date().toISOString() });
    const guard = `${lockPath}.takeover`;
    await writeFile(guard, '');
    const error = await caught(acquireLock(root, { timeoutMs: 300 }));
    expect(error.code).toBe('LOCK_TIMEOUT');
    expect(await readHolder()).toMatchObject({ pid });

    const tenSecondsAgo = (Date.now() - 10_000) / 1000;
    await utimes(guard, tenSecondsAgo, tenSecondsAgo);
    const lock = await acquireLock(root, { timeoutMs: 2000 });
    expect(await readHolder()).toMatchObject({ pid: process.pid });
    await lock.release();
    expect(await readdir(join(root, '.tsdevstack'))).toEqual([]);
  });

  it('takes over a live holder only once its lock is older than 10 minutes', async () => {
    const startedAt = Date.now();
    await writeLock({
      pid: process.ppid,
      host: hostname(),
      startedAt: new Date(startedAt).toISOString(),
    });
    const nineMinutesLater = () => startedAt + 9 * 60_000;
    expect((await caught(acquireLock(root, { timeoutMs: 200, now: nineMinutesLater }))).code).toBe(
      'LOCK_TIMEOUT',
    );
    const elevenMinutesLater = () => startedAt + 11 * 60_000;
    const lock = await acquireLock(root, { timeoutMs: 2000, now: elevenMinutesLater });
    const holder = await readHolder();
    expect(holder.pid).toBe(process.pid);
    expect(holder.startedAt).toBe(new Date(elevenMinutesLater()).toISOString());
    await lock.release();
  });

  it('takes over an unreadable lock only after a few seconds', async () => {
    await writeLock('');
    const error = await caught(acquireLock(root, { timeoutMs: 200 }));
    expect(error.message).toContain('unreadable');

    const tenSecondsAgo = (Date.now() - 10_000) / 1000;
    await utimes(lockPath, tenSecondsAgo, tenSecondsAgo);
    const lock = await acquireLock(root, { timeoutMs: 2000 });
    expect(await readHolder()).toMatchObject({ pid: process.pid });
    await lock.release();
  });

  it('treats a lock with an impossible pid as unreadable, never probing process groups', async () => {
    await writeLock({ pid: 0, host: hostname(), startedAt: new Date().toISOString() });
    const error = await caught(acquireLock(root, { timeoutMs: 150 }));
    expect(error.message).toContain('unreadable');
  });

  it('release leaves a lock that someone else has taken over', async () => {
    const lock = await acquireLock(root);
    const theirs = { pid: process.ppid, host: hostname(), startedAt: new Date().toISOString() };
    await writeLock(theirs);
    await lock.release();
    expect(await readHolder()).toEqual(theirs);
  });

  it('fails with exit 3 when the .tsdevstack folder is missing', async () => {
    await rm(join(root, '.tsdevstack'), { recursive: true });
    const error = await caught(acquireLock(root, { timeoutMs: 100 }));
    expect(error.exitCode).toBe(3);
    expect(error.code).toBe('LOCK_FAILED');
    expect(error.message).toContain('ENOENT');
  });
});
