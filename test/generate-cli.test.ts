import { createPrivateKey, createPublicKey } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import {
  cleanupBinary,
  cleanupProjects,
  describeSnapshot,
  makeProject,
  runCli,
  runGenerate,
  sectionOf,
  SHOP_SERVICES,
  shopConfig,
  snapshotTree,
  type CliRun,
  type FrameworkSectionDoc,
  type Project,
  type SecretsDoc,
} from './support/temp-project.js';

afterAll(cleanupProjects);
afterAll(cleanupBinary);

const LONG_USER_SECRET = 'sk_live_51HqLyjWDarjtT1zdp7dcXCCzaZx9Vt2mF8kQpL3nR6sT0uW4yA7bC1dE';
/** Every character that breaks naive .env writers, except `'`: representable with single quotes. */
const NASTY_USER_VALUE = 'pa$$word # "quoted"\nsecond line $HOME';

/** The user file most outputs are scanned against: a long secret and a hard-to-quote one. */
function userFile(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    secrets: {
      STRIPE_SECRET_KEY: LONG_USER_SECRET,
      WEBHOOK_SIGNING: NASTY_USER_VALUE,
      ACCESS_TOKEN_TTL: '900',
      REFRESH_TOKEN_TTL: '604800',
      CONFIRMATION_TOKEN_TTL: '86400',
      API_URL: 'http://localhost:8000',
      APP_URL: 'http://localhost:3000',
    },
    frontend: { secrets: ['API_URL', 'WEBHOOK_SIGNING'] }, // "$" into a Next.js app: a warning
    'offers-service': { secrets: ['STRIPE_SECRET_KEY'], API_KEY: 'my-literal-offers-api-key' },
    ...extra,
  };
}

async function shopWithUser(user: unknown = userFile()): Promise<Project> {
  return makeProject({
    config: shopConfig(),
    files: { '.secrets.user.json': { content: `${JSON.stringify(user, null, 2)}\n`, mode: 0o600 } },
  });
}

/**
 * Every string value (8+ characters) of a secrets file, at any depth, except `$` metadata, key
 * lists and `API_KEY` references: those are key names, which messages are meant to show.
 */
function valuesOf(doc: unknown): string[] {
  if (typeof doc === 'string') return doc.length >= 8 ? [doc] : [];
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return [];
  return Object.entries(doc).flatMap(([key, value]) => {
    if (key.startsWith('$')) return [];
    if (key === 'API_KEY' && typeof value === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(value))
      return [];
    return valuesOf(value);
  });
}

async function secretValues(project: Project, ...extraDocs: unknown[]): Promise<string[]> {
  const docs: unknown[] = [...extraDocs];
  for (const file of ['.secrets.tsdevstack.json', '.secrets.user.json']) {
    if (!project.exists(file)) continue;
    try {
      docs.push(await project.readJson(file));
    } catch {
      // a damaged file: its values come in through extraDocs
    }
  }
  return [...new Set(docs.flatMap(valuesOf))];
}

/** No value, nor a 24-character slice from the middle of a long one (a PEM line), in any output. */
function expectNoSecretIn(runs: Array<[label: string, run: CliRun]>, values: string[]): void {
  expect(values).toContain(LONG_USER_SECRET);
  const needles = values.flatMap((value) => {
    const middle = Math.floor(value.length / 2);
    return value.length > 40 ? [value, value.slice(middle - 12, middle + 12)] : [value];
  });
  for (const [label, run] of runs) {
    const output = run.stdout + run.stderr;
    const leaked = needles.filter((needle) => output.includes(needle));
    expect({ label, leaked }).toEqual({ label, leaked: [] });
  }
}

describe.concurrent('the generate-secrets binary', () => {
  it('fresh run, re-run, --dry-run, --check and --json: exit codes, streams, and no secret in any output', async () => {
    const project = await shopWithUser();
    const cwd = ['--cwd', project.root];
    const runs: Array<[string, CliRun]> = [];
    const run = async (label: string, args: string[]): Promise<CliRun> => {
      const result = await runCli(['generate-secrets', ...args, ...cwd]);
      runs.push([label, result]);
      return result;
    };

    // --dry-run and --check take no lock and write nothing: they may run side by side
    const [dryFresh, checkFresh] = await Promise.all([
      run('dry-run on a fresh project', ['--dry-run']),
      run('check on a fresh project', ['--check']),
    ]);
    expect([dryFresh.code, checkFresh.code]).toEqual([0, 1]);
    expect(project.exists('.secrets.tsdevstack.json')).toBe(false);

    const fresh = await run('fresh', []);
    expect(fresh.code).toBe(0);
    expect(fresh.stdout).toMatch(/created\s+\.secrets\.tsdevstack\.json/);
    expect(fresh.stderr).toMatch(
      /^warning: apps\/frontend\/\.env: the value of WEBHOOK_SIGNING contains/m,
    );
    expect((await project.readEnv('.env')).WEBHOOK_SIGNING).toBe(NASTY_USER_VALUE);

    const before = await snapshotTree(project.root);
    const [rerun, dryRun, check, json] = await Promise.all([
      run('re-run', []),
      run('dry-run', ['--dry-run']),
      run('check', ['--check']),
      run('json', ['--json']),
    ]);
    expect([rerun.code, dryRun.code, check.code, json.code]).toEqual([0, 0, 0, 0]);
    expect(check.stdout).toContain('Up to date.');
    expect(dryRun.stdout).toMatch(/unchanged\s+\.secrets\.local\.json/);
    expect(json.stderr).toBe('');
    const doc = JSON.parse(json.stdout) as {
      files: unknown[];
      keys: Record<string, string[]>;
      warnings: Array<{ code: string }>;
    };
    expect(Object.keys(doc)).toEqual(['files', 'keys', 'warnings']);
    expect(doc.keys.generated).toEqual([]);
    expect(doc.warnings.map((w) => w.code)).toContain('NEXTJS_DOLLAR_EXPANSION');
    expect(describeSnapshot(await snapshotTree(project.root))).toEqual(describeSnapshot(before));

    // a stale project: --check exits 1 and writes nothing
    await project.writeConfig(
      shopConfig([...SHOP_SERVICES, { name: 'billing-service', type: 'nestjs', port: 3010 }]),
    );
    const stale = await snapshotTree(project.root);
    const [checkStale, checkJsonStale] = await Promise.all([
      run('check, stale', ['--check']),
      run('check --json, stale', ['--check', '--json']),
    ]);
    expect([checkStale.code, checkJsonStale.code]).toEqual([1, 1]);
    expect(checkStale.stderr).toContain('out of date');
    expect(describeSnapshot(await snapshotTree(project.root))).toEqual(describeSnapshot(stale));

    expectNoSecretIn(runs, await secretValues(project));
    expect(await secretValues(project)).toEqual(
      expect.arrayContaining([LONG_USER_SECRET, NASTY_USER_VALUE]),
    );
  });

  it('every invalid input exits 2, writes nothing, and shows no secret value', async () => {
    const cases: Array<{
      label: string;
      setup: () => Promise<{ project: Project; extra?: unknown }>;
      args?: string[];
      code: string;
    }> = [
      {
        label: 'unknown reference',
        code: 'UNKNOWN_REFERENCE',
        setup: async () => ({
          project: await shopWithUser(
            userFile({ 'bff-service': { secrets: ['STRIPE_SECRET_KY'] } }),
          ),
        }),
      },
      {
        label: 'unknown API_KEY reference, --json',
        code: 'UNKNOWN_REFERENCE',
        args: ['--json'],
        setup: async () => ({
          project: await shopWithUser(
            userFile({ 'bff-service': { secrets: [], API_KEY: 'STRIPE_SECRET_KY' } }),
          ),
        }),
      },
      {
        label: 'a value no .env quoting can hold',
        code: 'DOTENV_UNREPRESENTABLE',
        setup: async () => {
          const user = userFile();
          (user.secrets as Record<string, string>).BROKEN_FOR_DOTENV = `${NASTY_USER_VALUE} it's`;
          return { project: await shopWithUser(user) };
        },
      },
      {
        label: 'damaged user file',
        code: 'USER_SECRETS_INVALID_JSON',
        setup: async () => {
          const user = userFile();
          const project = await shopWithUser();
          await project.write(
            '.secrets.user.json',
            JSON.stringify(user, null, 2).replace(/\n}$/, ',\n}'),
          );
          return { project, extra: user };
        },
      },
      {
        label: 'damaged framework file',
        code: 'FRAMEWORK_SECRETS_INVALID_JSON',
        setup: async () => {
          const project = await shopWithUser();
          await runGenerate(project);
          const framework = await project.readJson('.secrets.tsdevstack.json');
          await project.write(
            '.secrets.tsdevstack.json',
            JSON.stringify(framework, null, 2).slice(0, -400),
          );
          return { project, extra: framework };
        },
      },
      {
        label: 'non-string framework value',
        code: 'FRAMEWORK_SECRETS_INVALID',
        setup: async () => {
          const project = await shopWithUser();
          await runGenerate(project);
          const framework = await project.readJson<{ secrets: Record<string, unknown> }>(
            '.secrets.tsdevstack.json',
          );
          framework.secrets.DB_AUTH_PASSWORD = { value: framework.secrets.DB_AUTH_PASSWORD };
          await project.write('.secrets.tsdevstack.json', JSON.stringify(framework, null, 2));
          return { project };
        },
      },
    ];

    const results = await Promise.all(
      cases.map(async ({ label, setup, args = [], code }) => {
        const { project, extra } = await setup();
        const before = await snapshotTree(project.root);
        const run = await runCli(['generate-secrets', '--cwd', project.root, ...args]);
        expect({ label, exit: run.code }).toEqual({ label, exit: 2 });
        if (args.includes('--json')) {
          expect(JSON.parse(run.stdout)).toMatchObject({
            error: { code, message: expect.any(String) as string },
          });
        } else {
          expect({ label, stdout: run.stdout }).toEqual({ label, stdout: '' });
          expect(run.stderr).toMatch(/^error: /);
        }
        expect(describeSnapshot(await snapshotTree(project.root))).toEqual(
          describeSnapshot(before),
        );
        return { label, run, values: await secretValues(project, extra) };
      }),
    );
    for (const { label, run, values } of results) expectNoSecretIn([[label, run]], values);
    expect(results[3]?.run.stderr).toMatch(/\.secrets\.user\.json:\d+:\d+: /);
  });

  it('usage errors exit 2', async () => {
    const project = await shopWithUser();
    const nowhere = await makeProject({});
    const [conflict, unknownFlag, missing] = await Promise.all([
      runCli(['generate-secrets', '--cwd', project.root, '--check', '--dry-run']),
      runCli(['generate-secrets', '--cwd', project.root, '--no-such-flag']),
      runCli(['generate-secrets', '--cwd', nowhere.root]),
    ]);
    expect([conflict.code, unknownFlag.code, missing.code]).toEqual([2, 2, 2]);
    expect(missing.stderr).toContain('.tsdevstack/config.json');
    expect(project.exists('.secrets.tsdevstack.json')).toBe(false);
  });
});

describe.concurrent('secrets:rotate', () => {
  function today(): string {
    return new Date().toISOString().slice(0, 10);
  }

  async function generatedToday(): Promise<Project> {
    const project = await shopWithUser();
    await runGenerate(project, {}, undefined, new Date());
    return project;
  }

  it('--jwt moves the current trio to *_PREVIOUS and makes key-2 of the same day', async () => {
    const project = await generatedToday();
    const before = await project.readJson<SecretsDoc>('.secrets.tsdevstack.json');
    const firstId = before.secrets.JWT_KEY_ID_CURRENT ?? '';
    expect(firstId).toBe(`${today()}-key-1`);

    const run = await runCli(['secrets:rotate', '--jwt', '--cwd', project.root]);
    expect(run.code).toBe(0);
    const after = await project.readJson<SecretsDoc>('.secrets.tsdevstack.json');
    const s = after.secrets;
    expect(s.JWT_PRIVATE_KEY_PREVIOUS).toBe(before.secrets.JWT_PRIVATE_KEY_CURRENT);
    expect(s.JWT_PUBLIC_KEY_PREVIOUS).toBe(before.secrets.JWT_PUBLIC_KEY_CURRENT);
    expect(s.JWT_KEY_ID_PREVIOUS).toBe(firstId);
    expect(s.JWT_PRIVATE_KEY_CURRENT).not.toBe(before.secrets.JWT_PRIVATE_KEY_CURRENT);
    // rotated on another day only if the test ran across midnight UTC
    expect(s.JWT_KEY_ID_CURRENT).toBe(
      firstId.startsWith(today()) ? `${today()}-key-2` : `${today()}-key-1`,
    );
    const derived = createPublicKey(createPrivateKey(s.JWT_PRIVATE_KEY_CURRENT ?? '')).export({
      type: 'spki',
      format: 'pem',
    });
    expect(s.JWT_PUBLIC_KEY_CURRENT).toBe(derived);
    for (const [key, value] of Object.entries(before.secrets)) {
      if (!key.startsWith('JWT_')) expect([key, s[key]]).toEqual([key, value]);
    }

    const previousKeys = [
      'JWT_PRIVATE_KEY_PREVIOUS',
      'JWT_PUBLIC_KEY_PREVIOUS',
      'JWT_KEY_ID_PREVIOUS',
    ];
    expect(sectionOf<FrameworkSectionDoc>(after, 'auth-service').secrets).toEqual(
      expect.arrayContaining(previousKeys),
    );
    expect(sectionOf<FrameworkSectionDoc>(after, 'email-worker').secrets).toEqual(
      expect.arrayContaining(previousKeys),
    );
    expect(sectionOf<FrameworkSectionDoc>(after, 'offers-service').secrets).not.toContain(
      'JWT_KEY_ID_PREVIOUS',
    );
    const local = await project.readJson<SecretsDoc>('.secrets.local.json');
    expect(sectionOf(local, 'auth-service')).toMatchObject({
      JWT_PRIVATE_KEY_PREVIOUS: before.secrets.JWT_PRIVATE_KEY_CURRENT,
      JWT_PRIVATE_KEY_CURRENT: s.JWT_PRIVATE_KEY_CURRENT,
      JWT_KEY_ID_PREVIOUS: firstId,
    });
    expect(Object.keys(await project.readEnv('.env')).filter((k) => k.startsWith('JWT_'))).toEqual(
      [],
    );

    // a second rotation drops key-1 entirely: it is neither previous nor retired
    const second = await runCli(['secrets:rotate', '--jwt', '--cwd', project.root]);
    expect(second.code).toBe(0);
    const third = await project.readJson<SecretsDoc>('.secrets.tsdevstack.json');
    expect(third.secrets.JWT_PRIVATE_KEY_PREVIOUS).toBe(s.JWT_PRIVATE_KEY_CURRENT);
    expect(third.secrets.JWT_KEY_ID_PREVIOUS).toBe(s.JWT_KEY_ID_CURRENT);
    expect(JSON.stringify(third)).not.toContain(
      JSON.stringify(before.secrets.JWT_PRIVATE_KEY_CURRENT).slice(1, -1),
    );

    expectNoSecretIn(
      [
        ['rotate --jwt', run],
        ['rotate --jwt again', second],
      ],
      [...(await secretValues(project)), ...valuesOf(before)],
    );
  });

  it('KONG_TRUST_TOKEN: only that value and the files derived from it change', async () => {
    const project = await generatedToday();
    const before = await snapshotTree(project.root);
    const old = await project.readJson<SecretsDoc>('.secrets.tsdevstack.json');
    const oldLocal = await project.read('.secrets.local.json');

    const run = await runCli(['secrets:rotate', 'KONG_TRUST_TOKEN', '--cwd', project.root]);
    expect(run.code).toBe(0);
    const now = await project.readJson<SecretsDoc>('.secrets.tsdevstack.json');
    const token = now.secrets.KONG_TRUST_TOKEN ?? '';
    expect(token).toMatch(/^[0-9a-f]{64}$/);
    expect(token).not.toBe(old.secrets.KONG_TRUST_TOKEN);
    expect(now).toEqual({ ...old, secrets: { ...old.secrets, KONG_TRUST_TOKEN: token } });
    expect(await project.read('.secrets.local.json')).toBe(
      oldLocal.replaceAll(old.secrets.KONG_TRUST_TOKEN ?? '', token),
    );
    expect((await project.readEnv('.env')).KONG_TRUST_TOKEN).toBe(token);

    const after = await snapshotTree(project.root);
    const changed = [...after.keys()].filter((path) => {
      const a = after.get(path);
      const b = before.get(path);
      return !a || !b || !a.bytes.equals(b.bytes) || a.mtimeMs !== b.mtimeMs;
    });
    expect(changed.sort()).toEqual(['.env', '.secrets.local.json', '.secrets.tsdevstack.json']);
    expectNoSecretIn(
      [['rotate KONG_TRUST_TOKEN', run]],
      [...(await secretValues(project)), ...valuesOf(old)],
    );
  });

  it('a key that is not a generated secret exits 2 and writes nothing', async () => {
    const project = await generatedToday();
    const before = await snapshotTree(project.root);
    const runs = await Promise.all([
      runCli(['secrets:rotate', 'NODE_ENV', '--cwd', project.root]),
      runCli(['secrets:rotate', 'JWT_PRIVATE_KEY_CURRENT', '--cwd', project.root]),
      runCli(['secrets:rotate', '--cwd', project.root]),
    ]);
    expect(runs.map((r) => r.code)).toEqual([2, 2, 2]);
    expect(runs[0]?.stderr).toContain('NODE_ENV');
    expect(describeSnapshot(await snapshotTree(project.root))).toEqual(describeSnapshot(before));
    const labelled = runs.map((run, i): [string, CliRun] => [`rotate error ${i}`, run]);
    expectNoSecretIn(labelled, await secretValues(project));
  });
});
