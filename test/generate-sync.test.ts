import { afterAll, describe, expect, it } from 'vitest';
import {
  cleanupProjects,
  makeProject,
  runGenerate,
  sectionOf,
  SHOP_SERVICES,
  shopConfig,
  snapshotTree,
  type FrameworkSectionDoc,
  type Project,
  type SecretsDoc,
  type ServiceSpec,
} from './support/temp-project.js';

afterAll(cleanupProjects);

const BILLING: ServiceSpec = {
  name: 'billing-service',
  type: 'nestjs',
  port: 3010,
  hasDatabase: true,
};
const without = (name: string) => SHOP_SERVICES.filter((s) => s.name !== name);

async function generatedShop(): Promise<Project> {
  const project = await makeProject({ config: shopConfig() });
  await runGenerate(project);
  return project;
}

const framework = (project: Project) => project.readJson<SecretsDoc>('.secrets.tsdevstack.json');

describe.concurrent('services joining and leaving the config (SPEC §3, §5)', () => {
  it('a new service gets its keys and section; every other value is kept', async () => {
    const project = await generatedShop();
    const before = await framework(project);
    const userBefore = await project.read('.secrets.user.json');

    await project.writeConfig(shopConfig([...SHOP_SERVICES, BILLING]));
    await project.write('apps/billing-service/.gitkeep', '');
    const result = await runGenerate(project);

    expect(result.keys.generated).toEqual([
      'BILLING_SERVICE_API_KEY',
      'DB_BILLING_PASSWORD',
      'DB_BILLING_USERNAME',
    ]);
    const after = await framework(project);
    for (const [key, value] of Object.entries(before.secrets))
      expect([key, after.secrets[key]]).toEqual([key, value]);
    expect(after.secrets).toMatchObject({
      BILLING_SERVICE_URL: 'http://localhost:3010',
      DB_BILLING_USERNAME: 'billing_user',
    });
    expect(after.secrets.BILLING_SERVICE_API_KEY).toMatch(/^[0-9a-f]{64}$/);
    // the fourth postgres database without an explicit port: 5432 auth, 5433 orders, then 5434
    expect(sectionOf<FrameworkSectionDoc>(after, 'billing-service').DATABASE_URL).toMatch(
      /@localhost:5434\/billing-service$/,
    );
    // every backend can now call the new one
    expect(sectionOf<FrameworkSectionDoc>(after, 'auth-service').secrets).toEqual(
      expect.arrayContaining(['BILLING_SERVICE_API_KEY', 'BILLING_SERVICE_URL']),
    );

    const userAfter = await project.read('.secrets.user.json');
    expect(userAfter).toBe(
      userBefore.replace(/\n}\n$/, ',\n  "billing-service": {\n    "secrets": []\n  }\n}\n'),
    );
    expect((await project.readEnv('apps/billing-service/.env')).DATABASE_URL).toContain(
      'billing_user:',
    );
  });

  it('a removed service: values move to $retired, its user section stays with a warning; they return with it', async () => {
    const project = await generatedShop();
    const original = (await framework(project)).secrets;
    const offersValues = {
      OFFERS_SERVICE_API_KEY: original.OFFERS_SERVICE_API_KEY,
      DB_OFFERS_USERNAME: original.DB_OFFERS_USERNAME,
      DB_OFFERS_PASSWORD: original.DB_OFFERS_PASSWORD,
    };
    // the user's own additions to the section must survive too
    const user = await project.readJson<Record<string, unknown>>('.secrets.user.json');
    user['offers-service'] = { secrets: ['APP_URL'], FEATURE_FLAG: 'on' };
    await project.write('.secrets.user.json', {
      content: `${JSON.stringify(user, null, 2)}\n`,
      mode: 0o600,
    });

    await project.writeConfig(shopConfig(without('offers-service')));
    const removed = await runGenerate(project);
    const retiredDoc = await framework(project);
    expect(retiredDoc.$retired).toEqual({ 'offers-service': offersValues });
    expect(Object.keys(retiredDoc.secrets).filter((k) => k.includes('OFFERS'))).toEqual([]);
    expect(retiredDoc['offers-service']).toBeUndefined();
    expect(removed.keys.retired).toEqual(Object.keys(offersValues).sort());
    expect(removed.warnings.map((w) => w.code)).toContain('USER_SECTION_ORPHANED');
    expect(removed.warnings.find((w) => w.code === 'USER_SECTION_ORPHANED')?.message).toContain(
      'offers-service',
    );
    expect(
      (await project.readJson<Record<string, unknown>>('.secrets.user.json'))['offers-service'],
    ).toEqual({
      secrets: ['APP_URL'],
      FEATURE_FLAG: 'on',
    });
    const local = await project.readJson<SecretsDoc>('.secrets.local.json');
    expect(local['offers-service']).toBeUndefined();
    expect(JSON.stringify(local)).not.toContain(offersValues.DB_OFFERS_PASSWORD);
    expect(await project.readJson('.tsdevstack/secret-map.json')).not.toHaveProperty(
      'offers-service',
    );

    await project.writeConfig(shopConfig());
    const back = await runGenerate(project);
    const restored = await framework(project);
    expect(restored.secrets).toMatchObject(offersValues);
    expect(restored.$retired).toBeUndefined();
    expect(back.keys.generated).toEqual([]);
    expect(
      sectionOf(await project.readJson<SecretsDoc>('.secrets.local.json'), 'offers-service'),
    ).toMatchObject({
      API_KEY: offersValues.OFFERS_SERVICE_API_KEY,
      FEATURE_FLAG: 'on',
    });
  });

  it('a service that loses hasDatabase retires its DB credentials and its generated .env', async () => {
    const project = await generatedShop();
    const original = (await framework(project)).secrets;
    await project.write('apps/orders-service/.env.keep', 'not ours');
    await project.writeConfig(
      shopConfig(
        SHOP_SERVICES.map((s) => (s.name === 'orders-service' ? { ...s, hasDatabase: false } : s)),
      ),
    );
    const result = await runGenerate(project);
    const doc = await framework(project);
    expect(doc.$retired).toEqual({
      'orders-service': {
        DB_ORDERS_USERNAME: original.DB_ORDERS_USERNAME,
        DB_ORDERS_PASSWORD: original.DB_ORDERS_PASSWORD,
      },
    });
    expect(doc.secrets.ORDERS_SERVICE_API_KEY).toBe(original.ORDERS_SERVICE_API_KEY);
    expect(result.files).toContainEqual({ path: 'apps/orders-service/.env', action: 'removed' });
    expect(project.exists('apps/orders-service/.env')).toBe(false);
    expect(project.exists('apps/orders-service/.env.keep')).toBe(true);
    expect((await project.readEnv('.env')).ORDERS_DB_PASSWORD).toBeUndefined();
  });

  it('--prune deletes retired values and the orphan user section', async () => {
    const project = await generatedShop();
    await project.writeConfig(shopConfig(without('offers-service')));
    await runGenerate(project);
    const userBefore = await project.read('.secrets.user.json');

    const pruned = await runGenerate(project, { prune: true });
    expect(pruned.pruned).toEqual([
      'DB_OFFERS_PASSWORD',
      'DB_OFFERS_USERNAME',
      'OFFERS_SERVICE_API_KEY',
    ]);
    expect((await framework(project)).$retired).toBeUndefined();
    const userAfter = await project.read('.secrets.user.json');
    expect(userAfter).toBe(
      userBefore.replace(',\n  "offers-service": {\n    "secrets": []\n  }', ''),
    );
    expect(pruned.warnings.map((w) => w.code)).not.toContain('USER_SECTION_ORPHANED');

    // once pruned, a returning service gets new values
    await project.writeConfig(shopConfig());
    const back = await runGenerate(project);
    expect(back.keys.generated).toEqual([
      'DB_OFFERS_PASSWORD',
      'DB_OFFERS_USERNAME',
      'OFFERS_SERVICE_API_KEY',
    ]);
  });
});

describe.concurrent('a user file with BOM, CRLF and 4-space indentation (SPEC §5, §8)', () => {
  const BOM = '\uFEFF';

  function userText(value: unknown): string {
    return BOM + JSON.stringify(value, null, 4).replaceAll('\n', '\r\n') + '\r\n';
  }

  const userValue = {
    $comment: 'mine, not the default comment',
    secrets: {
      ZEBRA_FIRST: 'z-value-000000',
      ACCESS_TOKEN_TTL: '900',
      REFRESH_TOKEN_TTL: '604800',
      CONFIRMATION_TOKEN_TTL: '86400',
      APP_URL: 'http://localhost:3000',
      API_URL: 'http://localhost:8000',
      ALPHA_LAST: 'a-value-000000',
    },
    $notes: { why: ['metadata', { nested: true }], n: 3 },
    'react-app': { secrets: ['API_URL'] },
    'auth-service': { secrets: ['APP_URL'], $todo: 'later' },
    frontend: { secrets: ['API_URL'] },
    ...Object.fromEntries(
      SHOP_SERVICES.filter((s) => !['react-app', 'auth-service', 'frontend'].includes(s.name)).map(
        (s) => [s.name, { secrets: [] }],
      ),
    ),
  };

  it('is accepted and left byte-identical when nothing needs adding', async () => {
    const text = userText(userValue);
    const project = await makeProject({
      config: shopConfig(),
      files: { '.secrets.user.json': { content: text, mode: 0o600 } },
    });
    const result = await runGenerate(project);
    expect(result.files).toContainEqual({ path: '.secrets.user.json', action: 'unchanged' });
    expect(await project.read('.secrets.user.json')).toBe(text);
    const local = await project.readJson<SecretsDoc>('.secrets.local.json');
    expect(local.secrets.ZEBRA_FIRST).toBe('z-value-000000');
    expect(sectionOf(local, 'auth-service')).not.toHaveProperty('ACCESS_TOKEN_TTL'); // a deleted default stays deleted
  });

  it('keeps BOM, CRLF, indentation, key order and $ metadata when a section is added', async () => {
    const text = userText(userValue);
    const project = await makeProject({
      config: shopConfig(),
      files: { '.secrets.user.json': { content: text, mode: 0o600 } },
    });
    await runGenerate(project);
    await project.writeConfig(shopConfig([...SHOP_SERVICES, BILLING]));
    await project.write('apps/billing-service/.gitkeep', '');
    const result = await runGenerate(project);

    expect(result.files).toContainEqual({ path: '.secrets.user.json', action: 'updated' });
    const after = await project.read('.secrets.user.json');
    const added = ',\r\n    "billing-service": {\r\n        "secrets": []\r\n    }';
    expect(after).toBe(text.replace(/\r\n}\r\n$/, `${added}\r\n}\r\n`));
    expect(await project.mode('.secrets.user.json')).toBe(0o600);
    const parsed = await project.readJson<Record<string, unknown>>('.secrets.user.json');
    expect(Object.keys(parsed)).toEqual([...Object.keys(userValue), 'billing-service']);

    // the example file follows the user's indentation, as plain LF without BOM
    const example = await project.read('.secrets.user.example.json');
    expect(example.startsWith('{\n    "$comment": "mine, not the default comment",\n')).toBe(true);
    expect(example).not.toMatch(/\r|\uFEFF/);
  });

  it('adds missing TTL defaults inside the existing secrets object, in the same style', async () => {
    const secrets: Record<string, string> = { ...userValue.secrets };
    delete secrets.CONFIRMATION_TOKEN_TTL;
    const text = userText({ ...userValue, secrets });
    const project = await makeProject({
      config: shopConfig(),
      files: { '.secrets.user.json': { content: text, mode: 0o600 } },
    });
    await runGenerate(project);
    const after = await project.read('.secrets.user.json');
    expect(after).toBe(
      text.replace(
        '"ALPHA_LAST": "a-value-000000"\r\n',
        '"ALPHA_LAST": "a-value-000000",\r\n        "CONFIRMATION_TOKEN_TTL": "86400"\r\n',
      ),
    );
  });
});

describe.concurrent('the user file mode (SPEC §5, §8)', () => {
  const minimal =
    '{\n  "secrets": {\n    "APP_URL": "http://localhost:3000",\n    "API_URL": "http://localhost:8000"\n  }\n}\n';

  it('keeps a mode narrower than 0600 when the file is rewritten', async () => {
    const project = await makeProject({
      config: shopConfig(),
      files: { '.secrets.user.json': { content: minimal, mode: 0o400 } },
    });
    const result = await runGenerate(project);
    expect(result.files).toContainEqual({ path: '.secrets.user.json', action: 'updated' });
    expect(await project.mode('.secrets.user.json')).toBe(0o400);
  });

  it('narrows a wider mode to 0600 when the file is rewritten', async () => {
    const project = await makeProject({
      config: shopConfig(),
      files: { '.secrets.user.json': { content: minimal, mode: 0o664 } },
    });
    await runGenerate(project);
    expect(await project.mode('.secrets.user.json')).toBe(0o600);
  });
});

describe.concurrent('a hand-written minimal user file (SPEC §5 sync)', () => {
  // Regression: defaults that a newly added section refers to are added with it (SPEC §5).
  it('resolves the default references that sync itself adds', async () => {
    const project = await makeProject({
      config: shopConfig(),
      files: {
        '.secrets.user.json': { content: '{"secrets": {"STRIPE_KEY": "sk_test_x"}}', mode: 0o600 },
      },
    });
    const result = await runGenerate(project);
    expect(result.written).toBe(true);
    const local = await project.readJson<SecretsDoc>('.secrets.local.json');
    expect(sectionOf(local, 'auth-service').APP_URL).toBeDefined();
    expect(sectionOf(local, 'frontend').API_URL).toBeDefined();
  });
});

describe.concurrent('per-app .env files and the apps/ folder (SPEC §7)', () => {
  it('without apps/, the run succeeds and skips every per-app file with a warning naming the folder', async () => {
    const project = await makeProject({ config: shopConfig(), apps: [] });
    const result = await runGenerate(project);
    const skipped = result.files.filter((f) => f.action === 'skipped').map((f) => f.path);
    expect(skipped.sort()).toEqual(
      [
        'auth-service',
        'frontend',
        'offers-service',
        'orders-service',
        'react-app',
        'catalog-service',
        'events-service',
      ]
        .map((app) => `apps/${app}/.env`)
        .sort(),
    );
    const messages = result.warnings
      .filter((w) => w.code === 'APP_FOLDER_MISSING')
      .map((w) => w.message);
    expect(messages).toHaveLength(7);
    expect(messages.some((m) => m.includes('apps/frontend/'))).toBe(true);
    expect(project.exists('apps')).toBe(false);
    expect(project.exists('.env')).toBe(true);
    expect(project.exists('.secrets.local.json')).toBe(true);
    // skipped files are not a pending change for --check
    expect((await runGenerate(project, { check: true })).changed).toBe(false);
  });

  it('never overwrites a .env it did not generate', async () => {
    const foreign = 'API_URL=http://mine\n# hand written\n';
    const rootForeign = '# my compose vars\nPOSTGRES_PASSWORD=hunter2\n';
    const project = await makeProject({
      config: shopConfig(),
      files: {
        'apps/frontend/.env': foreign,
        '.env': rootForeign,
        'apps/bff-service/.env': foreign,
      },
    });
    const before = await snapshotTree(project.root);
    const result = await runGenerate(project);
    expect(await project.read('apps/frontend/.env')).toBe(foreign);
    expect(await project.read('.env')).toBe(rootForeign);
    // a backend without a database: a foreign file there is not ours to remove either
    expect(await project.read('apps/bff-service/.env')).toBe(foreign);
    expect(result.files).toContainEqual({ path: 'apps/frontend/.env', action: 'skipped' });
    expect(result.files).toContainEqual({ path: '.env', action: 'skipped' });
    const notOurs = result.warnings
      .filter((w) => w.code === 'ENV_FILE_NOT_OURS')
      .map((w) => w.message);
    expect(notOurs).toEqual(
      expect.arrayContaining([
        expect.stringContaining('apps/frontend/.env'),
        expect.stringContaining('.env skipped'),
      ]),
    );
    for (const path of ['apps/frontend/.env', '.env'])
      expect(await project.mode(path)).toBe(before.get(path)?.mode);
    expect(project.exists('apps/react-app/.env')).toBe(true);
  });

  it("overwrites the original tool's .env (its banner counts as ours)", async () => {
    const legacy =
      '####\n# ⚠️  AUTO-GENERATED BY TSDEVSTACK - DO NOT EDIT ⚠️\n####\nAPI_URL=http://old\n';
    const project = await makeProject({
      config: shopConfig(),
      files: { 'apps/frontend/.env': legacy },
    });
    const result = await runGenerate(project);
    expect(result.files).toContainEqual({ path: 'apps/frontend/.env', action: 'updated' });
    expect((await project.readEnv('apps/frontend/.env')).API_URL).toBe('http://localhost:8000');
    expect(await project.mode('apps/frontend/.env')).toBe(0o600);
  });
});
