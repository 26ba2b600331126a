import { readdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import {
  cleanupBinary,
  cleanupProjects,
  cliErrorOf,
  cloneProject,
  copyFixture,
  describeSnapshot,
  makeProject,
  runCli,
  runGenerate,
  sectionOf,
  SHOP_SERVICES,
  shopConfig,
  sleep,
  snapshotTree,
  type FileSnapshot,
  type Project,
  type SecretsDoc,
} from './support/temp-project.js';

afterAll(cleanupProjects);
afterAll(cleanupBinary);

/** Asserts that running `action` leaves every file's bytes, mode and mtime as they were. */
async function expectUntouched(project: Project, action: () => Promise<unknown>): Promise<void> {
  const before = await snapshotTree(project.root);
  await sleep(20);
  await action();
  expect(describeSnapshot(await snapshotTree(project.root))).toEqual(describeSnapshot(before));
}

async function generatedShop(): Promise<Project> {
  const project = await makeProject({ config: shopConfig() });
  await runGenerate(project);
  return project;
}

async function writeUser(project: Project, value: unknown): Promise<void> {
  await project.write('.secrets.user.json', {
    content: `${JSON.stringify(value, null, 2)}\n`,
    mode: 0o600,
  });
}

describe.concurrent('an unknown reference (SPEC §6.1, §6.2)', () => {
  it('fails with exit 2, names service, key and close names, and writes nothing on a fresh project', async () => {
    const project = await makeProject({ config: shopConfig() });
    await writeUser(project, {
      secrets: { STRIPE_SECRET_KEY: 'sk_live_abcdefghijklmnop' },
      'offers-service': { secrets: ['KONG_TRUST_TOKN', 'STRIPE_SECRET_KY'] },
    });
    await expectUntouched(project, async () => {
      const error = await cliErrorOf(runGenerate(project));
      expect(error.exitCode).toBe(2);
      expect(error.code).toBe('UNKNOWN_REFERENCE');
      expect(error.message).toContain('offers-service');
      expect(error.message).toContain('KONG_TRUST_TOKN');
      expect(error.message).toMatch(/KONG_TRUST_TOKN[^\n]*KONG_TRUST_TOKEN/);
      expect(error.message).toMatch(/STRIPE_SECRET_KY[^\n]*STRIPE_SECRET_KEY/);
      expect(error.message).not.toContain('sk_live_');
    });
    expect(project.exists('.secrets.tsdevstack.json')).toBe(false);
    expect(project.exists('.tsdevstack/.secrets.lock')).toBe(false);
  });

  it('writes nothing on a generated project either, even when the framework file had changes pending', async () => {
    const project = await generatedShop();
    const user = await project.readJson<Record<string, unknown>>('.secrets.user.json');
    user['bff-service'] = { secrets: [], API_KEY: 'OFERS_SERVICE_API_KEY' };
    await writeUser(project, user);
    // a new service would add keys to the framework file: they must not be written either
    await project.writeConfig(
      shopConfig([...SHOP_SERVICES, { name: 'billing-service', type: 'nestjs', port: 3010 }]),
    );
    await expectUntouched(project, async () => {
      const error = await cliErrorOf(runGenerate(project));
      expect(error).toMatchObject({ exitCode: 2, code: 'UNKNOWN_REFERENCE' });
      // the suggestion helps with a typo; the value itself is never echoed (it may be a real key)
      expect(error.message).toMatch(/bff-service\.API_KEY[^\n]*OFFERS_SERVICE_API_KEY/);
      expect(error.message).not.toContain('OFERS_SERVICE_API_KEY');
    });
    // --check and --dry-run report the same error
    expect((await cliErrorOf(runGenerate(project, { check: true }))).code).toBe(
      'UNKNOWN_REFERENCE',
    );
  });
});

describe.concurrent('damaged input files (SPEC §8 Reading)', () => {
  const damagedUser = '{\n  "secrets": {\n    "STRIPE_KEY": "sk_live_0123456789",\n  }\n}\n';
  const damagedFramework =
    '{\n  "secrets": {\n    "KONG_TRUST_TOKEN": "aaaaaaaaaaaaaaaa"\n    "B": "c"\n  }\n}\n';

  it('a user file with a trailing comma: exit 2 with file:line:column, every file untouched', async () => {
    const project = await generatedShop();
    await project.write('.secrets.user.json', { content: damagedUser, mode: 0o600 });
    // changes pending elsewhere must not be written either
    await project.writeConfig(shopConfig(SHOP_SERVICES.filter((s) => s.name !== 'bff-service')));
    await expectUntouched(project, async () => {
      const error = await cliErrorOf(runGenerate(project));
      expect(error).toMatchObject({ exitCode: 2, code: 'USER_SECRETS_INVALID_JSON' });
      expect(error.message).toMatch(/^\.secrets\.user\.json:4:3: /);
      expect(error.message).not.toContain('sk_live');
    });
  });

  it('a damaged framework file: exit 2 with file:line:column, never silently regenerated', async () => {
    const project = await generatedShop();
    await project.write('.secrets.tsdevstack.json', { content: damagedFramework, mode: 0o600 });
    await expectUntouched(project, async () => {
      const error = await cliErrorOf(runGenerate(project));
      expect(error).toMatchObject({ exitCode: 2, code: 'FRAMEWORK_SECRETS_INVALID_JSON' });
      expect(error.message).toMatch(/^\.secrets\.tsdevstack\.json:4:5: /);
      expect(error.hint).toContain('--reset-framework');
    });
  });

  it('a framework value that is not a string: exit 2 naming the JSON path', async () => {
    const project = await generatedShop();
    const doc = await project.readJson<Record<string, Record<string, unknown>>>(
      '.secrets.tsdevstack.json',
    );
    const secrets = doc.secrets ?? {};
    secrets.KONG_TRUST_TOKEN = 1234567890123;
    secrets.AUTH_SERVICE_API_KEY = null;
    await project.write('.secrets.tsdevstack.json', {
      content: JSON.stringify(doc, null, 2),
      mode: 0o600,
    });
    await expectUntouched(project, async () => {
      const error = await cliErrorOf(runGenerate(project));
      expect(error).toMatchObject({ exitCode: 2, code: 'FRAMEWORK_SECRETS_INVALID' });
      expect(error.message).toContain('secrets.KONG_TRUST_TOKEN: must be a string');
      expect(error.message).toContain('secrets.AUTH_SERVICE_API_KEY: must be a string');
    });
  });

  it('--reset-framework saves the damaged file as .bak (0600) and generates new values', async () => {
    const project = await generatedShop();
    const oldUser = await project.read('.secrets.user.json');
    await project.write('.secrets.tsdevstack.json', { content: damagedFramework, mode: 0o600 });
    const result = await runGenerate(project, { resetFramework: true });
    expect(await project.read('.secrets.tsdevstack.json.bak')).toBe(damagedFramework);
    expect(await project.mode('.secrets.tsdevstack.json.bak')).toBe(0o600);
    expect(result.files).toContainEqual({
      path: '.secrets.tsdevstack.json.bak',
      action: 'created',
    });
    const doc = await project.readJson<SecretsDoc>('.secrets.tsdevstack.json');
    expect(doc.secrets.KONG_TRUST_TOKEN).toMatch(/^[0-9a-f]{64}$/);
    expect(result.keys.generated).toContain('KONG_TRUST_TOKEN');
    expect(await project.read('.secrets.user.json')).toBe(oldUser);
    expect((await runGenerate(project)).changed).toBe(false);
  });

  it('--reset-framework keeps the damaged bytes exactly, even when they are not valid UTF-8', async () => {
    const project = await generatedShop();
    const damaged = Buffer.concat([
      Buffer.from('{\n  "secrets": {\n    "KONG_TRUST_TOKEN": "'),
      Buffer.from([0xff, 0xfe, 0xc3]), // disk garbage / a write cut inside a multi-byte character
    ]);
    await project.write('.secrets.tsdevstack.json', { content: damaged, mode: 0o600 });
    expect((await cliErrorOf(runGenerate(project))).code).toBe('FRAMEWORK_SECRETS_INVALID_JSON');
    await runGenerate(project, { resetFramework: true });
    const bak = (await snapshotTree(project.root)).get('.secrets.tsdevstack.json.bak');
    expect(bak?.bytes.equals(damaged)).toBe(true);
  });
});

describe.concurrent('two runs at once (SPEC §8 lock)', () => {
  it('both binaries succeed on one fresh project and leave consistent files', async () => {
    const project = await makeProject({ config: shopConfig() });
    const args = ['generate-secrets', '--cwd', project.root, '--json'];
    const runs = await Promise.all([runCli(args), runCli(args)]);
    for (const run of runs)
      expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });

    // the lock serialised them: the first generated everything, the second kept it all
    const reports = runs.map(
      (run) => JSON.parse(run.stdout) as { keys: { generated: string[]; kept: string[] } },
    );
    const generatedCounts = reports.map((r) => r.keys.generated.length).sort((a, b) => a - b);
    expect(generatedCounts[0]).toBe(0);
    expect(generatedCounts[1]).toBeGreaterThan(10);

    const framework = await project.readJson<SecretsDoc>('.secrets.tsdevstack.json');
    const user = await project.readJson<{ secrets: Record<string, string> }>('.secrets.user.json');
    const local = await project.readJson<SecretsDoc>('.secrets.local.json');
    expect(local.secrets).toEqual({ ...framework.secrets, ...user.secrets });
    expect(sectionOf(local, 'auth-service').API_KEY).toBe(framework.secrets.AUTH_SERVICE_API_KEY);
    expect((await project.readEnv('.env')).KONG_TRUST_TOKEN).toBe(
      framework.secrets.KONG_TRUST_TOKEN,
    );
    expect(project.exists('.tsdevstack/.secrets.lock')).toBe(false);
    expect((await runGenerate(project, { check: true })).changed).toBe(false);
  });
});

describe.concurrent('the project lock and stale temporary files (SPEC §8)', () => {
  it('a writer fails with exit 3 naming the holder while a live process holds the lock; --check still runs', async () => {
    const project = await generatedShop();
    const holder = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString() };
    await project.write('.tsdevstack/.secrets.lock', {
      content: JSON.stringify(holder),
      mode: 0o600,
    });
    await project.writeConfig(shopConfig(SHOP_SERVICES.filter((s) => s.name !== 'bff-service')));
    await expectUntouched(project, async () => {
      const run = await runCli(['generate-secrets', '--cwd', project.root], {
        env: { TSDEVSTACK_LOCK_TIMEOUT_MS: '300' },
      });
      expect(run.code).toBe(3);
      expect(run.stderr).toContain('.tsdevstack/.secrets.lock');
      expect(run.stderr).toContain(`pid ${process.pid}`);
      const check = await runCli(['generate-secrets', '--check', '--cwd', project.root]);
      expect(check.code).toBe(1);
    });
  });

  it('a run removes temporary files a crashed run left behind, even when nothing else changes', async () => {
    const project = await generatedShop();
    await project.write('.secrets.local.json.tsds-tmp-0123abcd', {
      content: 'half a secret',
      mode: 0o600,
    });
    await project.write('apps/frontend/.env.tsds-tmp-99ff', { content: 'x', mode: 0o600 });
    await project.write('notes.tsds-tmp-backup.txt', 'not one of ours'); // not our name pattern
    const check = await runGenerate(project, { check: true });
    expect(project.exists('.secrets.local.json.tsds-tmp-0123abcd')).toBe(true); // --check writes nothing
    expect(check.changed).toBe(false);
    const result = await runGenerate(project);
    expect(result.changed).toBe(false);
    expect(project.exists('.secrets.local.json.tsds-tmp-0123abcd')).toBe(false);
    expect(project.exists('apps/frontend/.env.tsds-tmp-99ff')).toBe(false);
    expect(project.exists('notes.tsds-tmp-backup.txt')).toBe(true);
  });
});

describe.concurrent('crash safety (SPEC §8 atomic writes)', () => {
  async function tempFiles(root: string): Promise<string[]> {
    const entries = await readdir(root, { recursive: true });
    return entries.filter((name) => name.includes('.tsds-tmp-'));
  }

  it('a crash after any number of writes leaves old-or-new files, exit 3, and the next run converges', async () => {
    // The legacy project keeps every value, so the new bytes are the same on every run.
    const base = await copyFixture('legacy-acme-shop');
    const config = await base.readJson<Record<string, unknown>>('.tsdevstack/config.json');
    await base.writeConfig({ ...config, storage: { buckets: ['uploads'] } });
    const old = await snapshotTree(base.root);

    const clean = await cloneProject(base);
    const cleanResult = await runGenerate(clean);
    expect(cleanResult.keys.generated).toEqual([]);
    const expected = await snapshotTree(clean.root);
    const writes = cleanResult.files.filter(
      (f) => f.action === 'created' || f.action === 'updated',
    ).length;
    expect(writes).toBeGreaterThanOrEqual(10);

    // Each N on its own copy: crash after N writes, check every file, then a normal run.
    const attempt = async (n: number): Promise<void> => {
      const copy = await cloneProject(base);
      const run = await runCli(['generate-secrets', '--cwd', copy.root, '--quiet'], {
        env: { TSDEVSTACK_FAULT_AFTER_WRITES: String(n) },
      });
      expect({ n, code: run.code }).toEqual({ n, code: n < writes ? 3 : 0 });
      if (n < writes) expect(run.stderr).toContain('Injected failure');
      const now = await snapshotTree(copy.root);
      for (const path of new Set([...old.keys(), ...expected.keys(), ...now.keys()])) {
        if (path.includes('.tsds-tmp-')) continue;
        const bytes = now.get(path)?.bytes;
        const oldOrNew = sameBytes(bytes, old.get(path)) || sameBytes(bytes, expected.get(path));
        expect({ n, path, oldOrNew }).toEqual({ n, path, oldOrNew: true });
      }
      // the framework file, holding the only copy of new values, is always written first
      const frameworkNew = sameBytes(now.get(FRAMEWORK)?.bytes, expected.get(FRAMEWORK));
      expect({ n, frameworkNew }).toEqual({ n, frameworkNew: n >= 1 });
      expect(copy.exists('.tsdevstack/.secrets.lock')).toBe(false);

      await runGenerate(copy);
      expect({ n, temp: await tempFiles(copy.root) }).toEqual({ n, temp: [] });
      expect({ n, files: describeSnapshotBytes(await snapshotTree(copy.root)) }).toEqual({
        n,
        files: describeSnapshotBytes(expected),
      });
    };
    const pending = Array.from({ length: writes + 1 }, (_, n) => n);
    const worker = async (): Promise<void> => {
      for (let n = pending.shift(); n !== undefined; n = pending.shift()) await attempt(n);
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
  });
});

const FRAMEWORK = '.secrets.tsdevstack.json';

function sameBytes(bytes: Buffer | undefined, file: FileSnapshot | undefined): boolean {
  if (bytes === undefined || file === undefined) return bytes === undefined && file === undefined;
  return bytes.equals(file.bytes);
}

function describeSnapshotBytes(snapshot: Map<string, FileSnapshot>): Record<string, string> {
  return Object.fromEntries(
    [...snapshot].map(([path, file]) => [
      path,
      `${file.mode.toString(8)} ${file.bytes.toString('base64')}`,
    ]),
  );
}
