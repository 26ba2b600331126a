import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { build } from 'esbuild';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { secretMetadata } from '../src/core/cloud-naming.js';
import { CliError } from '../src/errors.js';
import { IGNORED_PATTERNS } from '../src/io/ignore-files.js';
import { acquireLock } from '../src/io/lock.js';
import { retryPolicyFromEnv } from '../src/io/retry.js';
import { createLocalStore, localStorePath } from '../src/providers/local.js';
import { openStore, type StoreOptions } from '../src/providers/registry.js';
import type { SecretRef, SecretStore, SetOptions } from '../src/providers/secret-store.js';
import { describeStoreContract } from './support/store-contract.js';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const CREATE: SetOptions = { kind: 'user', overwrite: false };
const OVERWRITE: SetOptions = { kind: 'user', overwrite: true };
const STORE_FILE = '.tsdevstack/.local-store.dev.json';
const shared = (key: string): SecretRef => ({ key, scope: 'shared' });

async function makeRoot(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'tsds-local-store-'));
  await mkdir(join(root, '.tsdevstack'));
  return root;
}

function storeOptions(root: string, project = 'acme-shop', env = 'dev'): StoreOptions {
  return {
    project,
    env,
    root,
    credentials: undefined,
    processEnv: {},
    retry: retryPolicyFromEnv({}),
  };
}

describeStoreContract('local', async () => {
  const root = await makeRoot();
  return {
    // through the registry, as the commands open it
    store: await openStore('local', storeOptions(root, 'acme-shop')),
    otherProject: await openStore('local', storeOptions(root, 'other-shop')),
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
});

interface StoreFileDoc {
  $comment: string;
  secrets: Record<
    string,
    {
      value: string;
      tags: Record<string, string>;
      createdAt: string;
      updatedAt: string;
      versions: number;
    }
  >;
  [member: string]: unknown;
}

describe('local store specifics', () => {
  let root: string;
  let store: SecretStore;
  const path = (relative: string) => join(root, relative);
  const readDoc = async (): Promise<StoreFileDoc> =>
    JSON.parse(await readFile(path(STORE_FILE), 'utf8')) as StoreFileDoc;

  beforeEach(async () => {
    root = await makeRoot();
    store = await createLocalStore(storeOptions(root));
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('names its file in the description and keeps one file per environment', async () => {
    expect(store.provider).toBe('local');
    expect(store.description).toBe(`local (${STORE_FILE})`);
    expect(localStorePath('dev')).toBe(STORE_FILE);
    const prod = await createLocalStore(storeOptions(root, 'acme-shop', 'prod'));
    await store.set(shared('DOMAIN'), 'dev.example.com', CREATE);
    expect(await prod.get(shared('DOMAIN'))).toBeUndefined();
    await prod.set(shared('DOMAIN'), 'example.com', CREATE);
    expect(await store.get(shared('DOMAIN'))).toBe('dev.example.com');
    expect((await readdir(path('.tsdevstack'))).sort()).toEqual([
      '.local-store.dev.json',
      '.local-store.prod.json',
    ]);
  });

  it('refuses an environment name that could leave the folder', async () => {
    for (const env of ['../dev', 'Dev', '', 'a/b']) {
      const error = await refusalOf(createLocalStore(storeOptions(root, 'acme-shop', env)));
      expect({ env, code: error.code, exitCode: error.exitCode }).toEqual({
        env,
        code: 'ENV_INVALID',
        exitCode: 2,
      });
    }
  });

  it('writes the documented shape: tags of SPEC §9.2, timestamps, versions; sorted by name', async () => {
    const service: SecretRef = { key: 'DATABASE_URL', scope: 'auth-service' };
    await store.set(shared('ZETA_KEY'), 'zeta-value', CREATE);
    await store.set(service, 'postgres://auth', { kind: 'framework', overwrite: false });
    const doc = await readDoc();
    expect(Object.keys(doc)).toEqual(['$comment', 'secrets']);
    expect(doc.$comment).toContain('never commit');
    expect(Object.keys(doc.secrets)).toEqual([
      'acme-shop-auth-service-DATABASE_URL',
      'acme-shop-shared-ZETA_KEY',
    ]);
    const entry = doc.secrets['acme-shop-auth-service-DATABASE_URL'];
    expect(entry).toEqual({
      value: 'postgres://auth',
      tags: secretMetadata('acme-shop', service, 'framework'),
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/) as string,
      updatedAt: entry?.createdAt,
      versions: 1,
    });
    const text = await readFile(path(STORE_FILE), 'utf8');
    expect(text.endsWith('}\n')).toBe(true);
    expect(text).toContain('\n  "secrets": {\n');
  });

  it('an update bumps the version and updatedAt, keeps createdAt; an identical value writes nothing', async () => {
    await store.set(shared('ROTATED'), 'first-value', CREATE);
    const first = (await readDoc()).secrets['acme-shop-shared-ROTATED'];
    await sleep(5); // so updatedAt can differ from createdAt
    expect(
      await store.set(shared('ROTATED'), 'second-value', { kind: 'framework', overwrite: true }),
    ).toBe('updated');
    const second = (await readDoc()).secrets['acme-shop-shared-ROTATED'];
    expect(second?.versions).toBe(2);
    expect(second?.createdAt).toBe(first?.createdAt);
    expect(Date.parse(second?.updatedAt ?? '')).toBeGreaterThan(Date.parse(first?.createdAt ?? ''));
    expect(second?.tags['secret-type']).toBe('framework');
    const listed = await store.list();
    expect(listed[0]?.updatedAt?.toISOString()).toBe(second?.updatedAt);

    const before = await stat(path(STORE_FILE));
    const bytes = await readFile(path(STORE_FILE));
    await sleep(5);
    expect(await store.set(shared('ROTATED'), 'second-value', OVERWRITE)).toBe('unchanged');
    expect(await store.remove(shared('NEVER_SET'), {})).toBeUndefined();
    expect((await stat(path(STORE_FILE))).mtimeMs).toBe(before.mtimeMs);
    expect(await readFile(path(STORE_FILE))).toEqual(bytes);
  });

  it('creates the file 0600 and narrows a wider one on the next write', async () => {
    await store.set(shared('MODE'), 'mode-value', CREATE);
    expect((await stat(path(STORE_FILE))).mode & 0o777).toBe(0o600);
    await chmod(path(STORE_FILE), 0o644);
    await store.set(shared('MODE_TWO'), 'mode-value-2', CREATE);
    expect((await stat(path(STORE_FILE))).mode & 0o777).toBe(0o600);
  });

  it('writes atomically: no temporary file is left, and a crashed run’s is cleared', async () => {
    const stale = `${STORE_FILE}.tsds-tmp-0123456789abcdef`;
    await writeFile(path(stale), '{"secrets": {"half-written": ', { mode: 0o600 });
    for (let i = 0; i < 5; i += 1)
      await store.set(shared(`KEY_${String(i)}`), `v${String(i)}`, CREATE);
    await store.remove(shared('KEY_0'), {});
    expect(await readdir(path('.tsdevstack'))).toEqual(['.local-store.dev.json']);
  });

  describe('a damaged store file', () => {
    const cases: Array<[string, string | Buffer, RegExp]> = [
      [
        'a trailing comma',
        '{\n  "secrets": {\n    "a": 1,\n  }\n}\n',
        /^\.tsdevstack\/\.local-store\.dev\.json:4:3: /,
      ],
      ['not JSON at all', 'secrets = {}\n', /^\.tsdevstack\/\.local-store\.dev\.json:1:1: /],
      [
        'invalid UTF-8',
        Buffer.from([0x7b, 0x0a, 0x22, 0xff, 0x22, 0x7d]),
        /^\.tsdevstack\/\.local-store\.dev\.json:2:2: not valid UTF-8/,
      ],
      [
        'an entry without a value',
        '{"secrets": {"acme-shop-shared-A": {"tags": {}}}}',
        /secrets\["acme-shop-shared-A"\]\.value must be a string/,
      ],
      ['secrets as a list', '{"secrets": []}', /"secrets" must be an object/],
    ];

    it.each(cases)(
      'with %s is an error (exit 2) naming where, and is left untouched',
      async (_label, content, where) => {
        await writeFile(path(STORE_FILE), content, { mode: 0o600 });
        const before = await stat(path(STORE_FILE));
        const calls: Array<[string, () => Promise<unknown>]> = [
          ['list', () => store.list()],
          ['get', () => store.get(shared('A'))],
          ['set', () => store.set(shared('A'), 'a-value', OVERWRITE)],
          ['remove', () => store.remove(shared('A'), {})],
        ];
        for (const [call, run] of calls) {
          const error = await refusalOf(run());
          expect({ call, code: error.code, exitCode: error.exitCode }).toEqual({
            call,
            code: 'LOCAL_STORE_INVALID',
            exitCode: 2,
          });
          expect(error.message).toMatch(where);
          expect(error.hint).toContain('left as it was');
        }
        expect(await readFile(path(STORE_FILE))).toEqual(Buffer.from(content));
        expect((await stat(path(STORE_FILE))).mtimeMs).toBe(before.mtimeMs);
      },
    );

    it('checks names and values before reading it', async () => {
      await writeFile(path(STORE_FILE), '{', { mode: 0o600 });
      expect((await refusalOf(store.set(shared('A'), '', CREATE))).code).toBe('VALUE_EMPTY');
      expect((await refusalOf(store.set(shared('A'), 'x'.repeat(65_537), CREATE))).code).toBe(
        'VALUE_TOO_LARGE',
      );
      expect((await refusalOf(store.get(shared('NO SPACES')))).code).toBe('NAME_INVALID');
    });
  });

  it('reads a file saved with a BOM and CRLF, keeps its style and its other members', async () => {
    const doc = {
      $comment: 'old comment',
      note: 'kept',
      secrets: {
        'acme-shop-shared-OLD': {
          value: 'old-value',
          tags: secretMetadata('acme-shop', shared('OLD'), 'user'),
          createdAt: '2025-01-01T00:00:00.000Z',
          updatedAt: '2025-01-02T00:00:00.000Z',
          versions: 3,
        },
      },
    };
    const text = `\uFEFF${JSON.stringify(doc, null, '\t').replaceAll('\n', '\r\n')}\r\n`;
    await writeFile(path(STORE_FILE), text, { mode: 0o600 });
    expect(await store.get(shared('OLD'))).toBe('old-value');
    await store.set(shared('NEW'), 'new-value', CREATE);
    const written = await readFile(path(STORE_FILE), 'utf8');
    expect(written.startsWith('\uFEFF{\r\n\t"$comment": ')).toBe(true);
    const parsed = JSON.parse(written.slice(1)) as StoreFileDoc;
    expect(parsed.note).toBe('kept');
    expect(parsed.secrets['acme-shop-shared-OLD']).toEqual(doc.secrets['acme-shop-shared-OLD']);
  });

  it('lists entries of the project only; one without original-key maps back by its prefix', async () => {
    const legacyTags = secretMetadata(
      'acme-shop',
      { key: 'X', scope: 'auth-service' },
      'framework',
    );
    delete legacyTags['original-key'];
    const entry = (tags: Record<string, string>) => ({
      value: 'v',
      tags,
      createdAt: '2025-01-01T00:00:00.000Z',
      updatedAt: '2025-01-02T00:00:00.000Z',
      versions: 1,
    });
    await writeFile(
      path(STORE_FILE),
      JSON.stringify({
        secrets: {
          'acme-shop-auth-service-DB_PASSWORD': entry(legacyTags),
          'other-shop-shared-KEY': entry(secretMetadata('other-shop', shared('KEY'), 'user')),
          'acme-shop-shared-UNTAGGED': entry({}),
        },
      }),
      { mode: 0o600 },
    );
    expect(await store.list()).toEqual([
      {
        key: 'DB_PASSWORD',
        scope: 'auth-service',
        kind: 'framework',
        name: 'acme-shop-auth-service-DB_PASSWORD',
        updatedAt: new Date('2025-01-02T00:00:00.000Z'),
      },
    ]);
  });

  describe('concurrent writers', () => {
    it('two store instances setting at once both land', async () => {
      const other = await createLocalStore(storeOptions(root));
      const keys = Array.from({ length: 10 }, (_, i) => `CONCURRENT_${String(i)}`);
      await Promise.all(
        keys.map((key, i) => (i % 2 === 0 ? store : other).set(shared(key), `v-${key}`, CREATE)),
      );
      expect(Object.keys((await readDoc()).secrets)).toEqual(
        keys.map((key) => `acme-shop-shared-${key}`).sort(),
      );
    });

    it('waits for the project lock: a write made under it by another command is kept', async () => {
      await store.set(shared('FIRST'), 'first-value', CREATE);
      const lock = await acquireLock(root);
      let settled = false;
      const pending = store.set(shared('MINE'), 'mine-value', CREATE).finally(() => {
        settled = true;
      });
      try {
        await sleep(300);
        expect(settled).toBe(false);
        // what another process holding the lock would do: its own read-modify-write
        const doc = await readDoc();
        doc.secrets['acme-shop-shared-THEIRS'] = {
          ...(doc.secrets['acme-shop-shared-FIRST'] as StoreFileDoc['secrets'][string]),
          value: 'theirs-value',
          tags: secretMetadata('acme-shop', shared('THEIRS'), 'user'),
        };
        await writeFile(path(STORE_FILE), JSON.stringify(doc), { mode: 0o600 });
      } finally {
        await lock.release();
      }
      expect(await pending).toBe('created');
      expect(await store.get(shared('THEIRS'))).toBe('theirs-value');
      expect(await store.get(shared('MINE'))).toBe('mine-value');
      expect(await store.get(shared('FIRST'))).toBe('first-value');
    });

    it('separate processes setting at once lose no update', async () => {
      const worker = join(root, 'worker.mjs');
      await build({
        stdin: {
          contents: WORKER_SOURCE,
          resolveDir: REPO_ROOT,
          sourcefile: 'worker.ts',
          loader: 'ts',
        },
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node20',
        outfile: worker,
        logLevel: 'silent',
      });
      const runs = await Promise.all(
        ['A', 'B', 'C'].map((id) => runWorker(worker, [root, id, '6'])),
      );
      expect(runs).toEqual([0, 0, 0].map(() => ({ code: 0, stderr: '' })));
      const names = Object.keys((await readDoc()).secrets);
      expect(names).toHaveLength(18);
      for (const id of ['A', 'B', 'C']) {
        for (let i = 0; i < 6; i += 1) {
          expect(await store.get(shared(`P${id}_${String(i)}`))).toBe(`from ${id} #${String(i)}`);
        }
      }
    });
  });

  it('lives at a path the .gitignore block of SPEC §8 ignores', async () => {
    await store.set(shared('IGNORED'), 'ignored-value', CREATE);
    const gitEnv = {
      ...process.env,
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CEILING_DIRECTORIES: tmpdir(),
    };
    execFileSync('git', ['-c', 'init.defaultBranch=main', 'init', '-q'], {
      cwd: root,
      env: gitEnv,
    });
    await writeFile(path('.gitignore'), `${IGNORED_PATTERNS.join('\n')}\n`);
    const result = spawnSync(
      'git',
      ['check-ignore', '--no-index', STORE_FILE, `${STORE_FILE}.tsds-tmp-0a1b`],
      {
        cwd: root,
        env: gitEnv,
        encoding: 'utf8',
      },
    );
    expect(result.stdout.split('\n').filter(Boolean)).toEqual([
      STORE_FILE,
      `${STORE_FILE}.tsds-tmp-0a1b`,
    ]);
  });
});

const WORKER_SOURCE = `
import { createLocalStore } from './src/providers/local.js';
import { retryPolicyFromEnv } from './src/io/retry.js';
const [root, id, count] = process.argv.slice(2);
const store = await createLocalStore({
  project: 'acme-shop', env: 'dev', root, credentials: undefined, processEnv: {},
  retry: retryPolicyFromEnv({}),
});
await Promise.all(Array.from({ length: Number(count) }, (_, i) =>
  store.set({ key: 'P' + id + '_' + i, scope: 'shared' }, 'from ' + id + ' #' + i, { kind: 'user', overwrite: false })));
`;

function runWorker(
  script: string,
  args: string[],
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

async function refusalOf(promise: Promise<unknown>): Promise<CliError> {
  const outcome = await promise.then(
    () => new Error('expected a refusal, but the call succeeded'),
    (error: unknown) => error,
  );
  if (!(outcome instanceof CliError)) throw outcome;
  return outcome;
}
