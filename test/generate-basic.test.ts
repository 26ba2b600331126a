import { createPrivateKey, createPublicKey } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import {
  cleanupProjects,
  describeSnapshot,
  makeProject,
  runGenerate,
  sectionOf,
  shopConfig,
  sleep,
  snapshotTree,
  testSource,
  type FrameworkSectionDoc,
  type Project,
  type SecretsDoc,
} from './support/temp-project.js';

afterAll(cleanupProjects);

const HEX64 = /^[0-9a-f]{64}$/;
const BASE64URL_32 = /^[A-Za-z0-9_-]{43}$/;
const BACKENDS = [
  'auth-service',
  'offers-service',
  'orders-service',
  'catalog-service',
  'events-service',
  'bff-service',
];
const APPS_WITH_ENV = [
  'auth-service',
  'frontend',
  'offers-service',
  'orders-service',
  'react-app',
  'catalog-service',
  'events-service',
];

async function freshShop(): Promise<Project> {
  return makeProject({ config: shopConfig() });
}

async function readDocs(project: Project) {
  return {
    framework: await project.readJson<SecretsDoc>('.secrets.tsdevstack.json'),
    local: await project.readJson<SecretsDoc>('.secrets.local.json'),
    user: await project.readJson<Record<string, unknown>>('.secrets.user.json'),
  };
}

function dbUrl(scheme: string, user: string, password: string, port: number, db: string): string {
  return `${scheme}://${encodeURIComponent(user)}:${encodeURIComponent(password)}@localhost:${port}/${db}`;
}

describe.concurrent('generate-secrets on a fresh project', () => {
  it('creates every file of SPEC §1 with the right modes', async () => {
    const project = await freshShop();
    const result = await runGenerate(project);

    const expected = [
      '.secrets.tsdevstack.json',
      '.secrets.user.json',
      '.secrets.local.json',
      '.secrets.user.example.json',
      '.tsdevstack/secret-map.json',
      '.env',
      ...APPS_WITH_ENV.map((app) => `apps/${app}/.env`),
      '.gitignore',
    ];
    expect(result.files.map((f) => f.path).sort()).toEqual([...expected].sort());
    expect(new Set(result.files.map((f) => f.action))).toEqual(new Set(['created']));
    expect(result.changed).toBe(true);
    expect(result.written).toBe(true);
    // backends without a database and workers get no per-app .env
    expect(project.exists('apps/bff-service/.env')).toBe(false);
    expect(project.exists('apps/email-worker/.env')).toBe(false);

    const secretFiles = [
      '.secrets.tsdevstack.json',
      '.secrets.user.json',
      '.secrets.local.json',
      '.env',
      ...APPS_WITH_ENV.map((app) => `apps/${app}/.env`),
    ];
    for (const path of secretFiles) expect([path, await project.mode(path)]).toEqual([path, 0o600]);
    for (const path of ['.secrets.user.example.json', '.tsdevstack/secret-map.json']) {
      expect([path, await project.mode(path)]).toEqual([path, 0o644]);
    }
    expect(project.exists('.tsdevstack/.secrets.lock')).toBe(false);
  });

  it('writes the framework secrets of SPEC §3', async () => {
    const project = await freshShop();
    const result = await runGenerate(project);
    const { framework } = await readDocs(project);
    const s = framework.secrets;

    expect(s).toMatchObject({
      NODE_ENV: 'development',
      SECRETS_PROVIDER: 'local',
      LOG_LEVEL: 'debug',
      REDIS_HOST: 'localhost',
      REDIS_PORT: '6379',
      REDIS_PASSWORD: 'redis_pass',
      REDIS_TLS: 'false',
      KONG_SSL_VERIFY: 'no',
      KONG_INTERNAL_URL: 'http://localhost:8000',
      BCRYPT_ROUNDS: '12',
      JWT_KEY_ID_CURRENT: '2026-03-14-key-1',
      STORAGE_ENDPOINT: 'http://localhost:9000',
      STORAGE_ACCESS_KEY: 'minioadmin',
      STORAGE_SECRET_KEY: 'minioadmin',
      STORAGE_FORCE_PATH_STYLE: 'true',
      STORAGE_BUCKET_UPLOADS: 'acme-shop-uploads-dev',
      AUTH_SERVICE_URL: 'http://localhost:3001',
      BFF_SERVICE_URL: 'http://localhost:3002',
      EVENTS_SERVICE_URL: 'http://localhost:3007',
      DB_AUTH_USERNAME: 'auth_user',
      DB_OFFERS_USERNAME: 'offers_user',
      DB_ORDERS_USERNAME: 'orders_user',
      DB_CATALOG_USERNAME: 'catalog_user',
      DB_EVENTS_USERNAME: 'events_user',
    });
    expect(s.KONG_TRUST_TOKEN).toMatch(HEX64);
    expect(s.REFRESH_TOKEN_SECRET).toMatch(BASE64URL_32);
    for (const name of ['AUTH', 'OFFERS', 'ORDERS', 'CATALOG', 'EVENTS']) {
      expect(s[`DB_${name}_PASSWORD`]).toMatch(BASE64URL_32);
    }
    for (const svc of [...BACKENDS, 'email-worker']) {
      expect(s[`${svc.toUpperCase().replaceAll('-', '_')}_API_KEY`]).toMatch(HEX64);
    }
    // frontends get no API key, workers and frontends no URL, nothing has a previous JWT yet
    const keys = Object.keys(s);
    expect(keys.filter((k) => /^(FRONTEND|REACT_APP)_/.test(k))).toEqual([]);
    expect(keys).not.toContain('EMAIL_WORKER_URL');
    expect(keys.filter((k) => k.endsWith('_PREVIOUS'))).toEqual([]);
    // every random value differs from every other
    const randoms = keys.filter(
      (k) => /API_KEY|PASSWORD$|TOKEN|SECRET$/.test(k) && k !== 'REDIS_PASSWORD',
    );
    expect(new Set(randoms.map((k) => s[k])).size).toBe(randoms.length);

    const privatePem = s.JWT_PRIVATE_KEY_CURRENT ?? '';
    expect(privatePem).toMatch(/^-----BEGIN PRIVATE KEY-----\n[\s\S]+-----END PRIVATE KEY-----\n$/);
    expect(s.JWT_PUBLIC_KEY_CURRENT).toMatch(/^-----BEGIN PUBLIC KEY-----\n[\s\S]+\n$/);
    const derived = createPublicKey(createPrivateKey(privatePem)).export({
      type: 'spki',
      format: 'pem',
    });
    expect(s.JWT_PUBLIC_KEY_CURRENT).toBe(derived);

    const databases = ['AUTH', 'OFFERS', 'ORDERS', 'CATALOG', 'EVENTS'];
    expect(result.keys.generated).toEqual(
      [
        ...[...BACKENDS, 'email-worker'].map(
          (svc) => `${svc.toUpperCase().replaceAll('-', '_')}_API_KEY`,
        ),
        ...databases.flatMap((name) => [`DB_${name}_USERNAME`, `DB_${name}_PASSWORD`]),
        'KONG_TRUST_TOKEN',
        'REFRESH_TOKEN_SECRET',
        'BCRYPT_ROUNDS',
        'JWT_PRIVATE_KEY_CURRENT',
        'JWT_PUBLIC_KEY_CURRENT',
        'JWT_KEY_ID_CURRENT',
      ].sort(),
    );
    expect(result.keys.kept).toEqual([]);
  });

  it('writes one framework section per service with ports, lists, API_KEY and DATABASE_URL (SPEC §4)', async () => {
    const project = await freshShop();
    await runGenerate(project);
    const { framework } = await readDocs(project);
    const s = framework.secrets;
    const section = (name: string) => sectionOf<FrameworkSectionDoc>(framework, name);

    const auth = section('auth-service');
    expect(auth.PORT).toBe('3001');
    expect(auth.API_KEY).toBe(s.AUTH_SERVICE_API_KEY);
    expect(auth.DATABASE_URL).toBe(
      dbUrl('postgresql', 'auth_user', s.DB_AUTH_PASSWORD ?? '', 5432, 'auth-service'),
    );
    expect(auth.secrets).toEqual(
      expect.arrayContaining([
        'NODE_ENV',
        'LOG_LEVEL',
        'REDIS_HOST',
        'REDIS_PORT',
        'REDIS_PASSWORD',
        'REDIS_TLS',
        'KONG_TRUST_TOKEN',
        'AUTH_SERVICE_API_KEY',
        'EMAIL_WORKER_API_KEY',
        'BFF_SERVICE_API_KEY',
        'OFFERS_SERVICE_URL',
        'EVENTS_SERVICE_URL',
        'JWT_PRIVATE_KEY_CURRENT',
        'JWT_PUBLIC_KEY_CURRENT',
        'JWT_KEY_ID_CURRENT',
        'REFRESH_TOKEN_SECRET',
        'BCRYPT_ROUNDS',
        'DB_AUTH_USERNAME',
        'DB_AUTH_PASSWORD',
        'STORAGE_ENDPOINT',
        'STORAGE_BUCKET_UPLOADS',
      ]),
    );
    expect(auth.secrets).not.toContain('DB_OFFERS_PASSWORD');
    expect(new Set(auth.secrets).size).toBe(auth.secrets.length);

    const offers = section('offers-service');
    expect(offers.secrets).not.toContain('JWT_PRIVATE_KEY_CURRENT');
    expect(offers.secrets).toEqual(
      expect.arrayContaining(['DB_OFFERS_USERNAME', 'DB_OFFERS_PASSWORD', 'AUTH_SERVICE_URL']),
    );
    expect(offers.DATABASE_URL).toBe(
      dbUrl('postgresql', 'offers_user', s.DB_OFFERS_PASSWORD ?? '', 5440, 'offers-service'),
    );
    expect(section('orders-service').DATABASE_URL).toBe(
      dbUrl('postgresql', 'orders_user', s.DB_ORDERS_PASSWORD ?? '', 5433, 'orders-service'),
    );
    expect(section('catalog-service').DATABASE_URL).toBe(
      dbUrl('mysql', 'catalog_user', s.DB_CATALOG_PASSWORD ?? '', 3306, 'catalog-service'),
    );
    expect(section('events-service').DATABASE_URL).toBe(
      dbUrl('mongodb', 'events_user', s.DB_EVENTS_PASSWORD ?? '', 27017, 'events-service'),
    );

    const bff = section('bff-service');
    expect(bff).toMatchObject({ PORT: '3002', API_KEY: s.BFF_SERVICE_API_KEY });
    expect(bff.DATABASE_URL).toBeUndefined();

    expect(section('frontend')).toEqual({ PORT: '3000', secrets: ['KONG_INTERNAL_URL'] });
    expect(section('react-app')).toEqual({ PORT: '3004', secrets: [] });

    // a worker: its base service's whole list (DB and auth keys included), its own API key, no port
    const worker = section('email-worker');
    expect(worker.PORT).toBeUndefined();
    expect(worker.API_KEY).toBe(s.EMAIL_WORKER_API_KEY);
    expect(worker.DATABASE_URL).toBe(auth.DATABASE_URL);
    expect([...worker.secrets].sort()).toEqual([...auth.secrets].sort());
  });

  it('creates the user file, its example and the secret map (SPEC §5, §6.3, §6.4)', async () => {
    const project = await freshShop();
    await runGenerate(project);
    const user = await project.readJson('.secrets.user.json');
    expect(user).toEqual({
      $comment: 'Your secrets. Edit freely, then run: npx tsdevstack generate-secrets',
      secrets: {
        DOMAIN: '',
        APP_URL: 'http://localhost:3000',
        API_URL: 'http://localhost:8000',
        KONG_SERVICE_HOST: 'http://host.docker.internal',
        ACCESS_TOKEN_TTL: '900',
        REFRESH_TOKEN_TTL: '604800',
        CONFIRMATION_TOKEN_TTL: '86400',
        RESEND_API_KEY: '',
        EMAIL_FROM: 'noreply@example.com',
        EMAIL_PROVIDER: 'console',
        KONG_CORS_ORIGINS: 'http://localhost:3000,http://localhost:3004',
      },
      'auth-service': {
        secrets: ['ACCESS_TOKEN_TTL', 'REFRESH_TOKEN_TTL', 'CONFIRMATION_TOKEN_TTL', 'APP_URL'],
      },
      frontend: { secrets: ['API_URL', 'ACCESS_TOKEN_TTL', 'REFRESH_TOKEN_TTL'] },
      'offers-service': { secrets: [] },
      'orders-service': { secrets: [] },
      'react-app': { secrets: ['API_URL'] },
      'email-worker': { secrets: [] },
      'catalog-service': { secrets: [] },
      'events-service': { secrets: [] },
      'bff-service': { secrets: [] },
    });

    const example = await project.readJson<Record<string, unknown>>('.secrets.user.example.json');
    expect(example.$comment).toBe(user.$comment);
    expect(Object.values(example.secrets as Record<string, string>)).toEqual(Array(11).fill(''));
    expect(Object.keys(example)).toEqual(Object.keys(user));
    expect(example.frontend).toEqual({
      secrets: ['API_URL', 'ACCESS_TOKEN_TTL', 'REFRESH_TOKEN_TTL'],
    });

    const map = await project.readJson<Record<string, string[]>>('.tsdevstack/secret-map.json');
    const { framework } = await readDocs(project);
    expect(Object.keys(map)).toEqual(shopConfigNames());
    expect(map.frontend).toEqual([
      'KONG_INTERNAL_URL',
      'API_URL',
      'ACCESS_TOKEN_TTL',
      'REFRESH_TOKEN_TTL',
    ]);
    expect(map['react-app']).toEqual(['API_URL']);
    expect(map['auth-service']).toEqual([
      ...sectionOf<FrameworkSectionDoc>(framework, 'auth-service').secrets,
      'ACCESS_TOKEN_TTL',
      'REFRESH_TOKEN_TTL',
      'CONFIRMATION_TOKEN_TTL',
      'APP_URL',
      'DATABASE_URL',
    ]);
    expect(map['bff-service']).not.toContain('DATABASE_URL');
    expect(map['email-worker']).toContain('DATABASE_URL');
    expect(JSON.stringify(map)).not.toMatch(/[0-9a-f]{64}/);
  });

  it('merges into .secrets.local.json with flat, resolved sections (SPEC §6.1)', async () => {
    const project = await freshShop();
    await runGenerate(project);
    const { framework, local, user } = await readDocs(project);
    const userSecrets = user.secrets as Record<string, string>;
    expect(local.secrets).toEqual({ ...framework.secrets, ...userSecrets });
    expect(Object.keys(local.secrets)).toEqual([
      ...Object.keys(framework.secrets),
      ...Object.keys(userSecrets),
    ]);

    const frontend = sectionOf(local, 'frontend');
    expect(frontend).toEqual({
      PORT: '3000',
      KONG_INTERNAL_URL: 'http://localhost:8000',
      API_URL: 'http://localhost:8000',
      ACCESS_TOKEN_TTL: '900',
      REFRESH_TOKEN_TTL: '604800',
    });
    const auth = sectionOf(local, 'auth-service');
    const fwAuth = sectionOf<FrameworkSectionDoc>(framework, 'auth-service');
    expect(Object.keys(auth).slice(0, 3)).toEqual(['PORT', 'API_KEY', 'DATABASE_URL']);
    expect(auth).toMatchObject({
      API_KEY: framework.secrets.AUTH_SERVICE_API_KEY,
      DATABASE_URL: fwAuth.DATABASE_URL,
      JWT_PRIVATE_KEY_CURRENT: framework.secrets.JWT_PRIVATE_KEY_CURRENT,
      CONFIRMATION_TOKEN_TTL: '86400',
      APP_URL: 'http://localhost:3000',
    });
    expect(auth).not.toHaveProperty('secrets');
    expect(sectionOf(local, 'email-worker')).toMatchObject({
      DATABASE_URL: fwAuth.DATABASE_URL,
      JWT_PUBLIC_KEY_CURRENT: framework.secrets.JWT_PUBLIC_KEY_CURRENT,
    });
  });

  it('writes .env files that read back through dotenv as the merged values (SPEC §7)', async () => {
    const project = await freshShop();
    await runGenerate(project);
    const { local } = await readDocs(project);

    const rootEnv = await project.readEnv('.env');
    const expected: Record<string, string> = {};
    for (const [key, value] of Object.entries(local.secrets)) {
      if (key !== 'NODE_ENV' && !key.startsWith('JWT_')) expected[key] = value;
    }
    const dbServices: Array<[string, string]> = [
      ['AUTH', 'auth-service'],
      ['OFFERS', 'offers-service'],
      ['ORDERS', 'orders-service'],
      ['CATALOG', 'catalog-service'],
      ['EVENTS', 'events-service'],
    ];
    for (const [prefix] of dbServices) {
      expected[`${prefix}_DB_USER`] = local.secrets[`DB_${prefix}_USERNAME`] ?? '';
      expected[`${prefix}_DB_PASSWORD`] = local.secrets[`DB_${prefix}_PASSWORD`] ?? '';
    }
    expect(rootEnv).toEqual(expected);
    expect(Object.keys(rootEnv)).toEqual(Object.keys(expected));

    const rootText = await project.read('.env');
    expect(rootText.split('\n')[0]).toMatch(/^# .*AUTO-GENERATED BY TSDEVSTACK/);
    expect(rootText).not.toMatch(/\r|\uFEFF/);
    // every entry is quoted
    for (const line of rootText.split('\n').filter((l) => /^[A-Z]/.test(l)))
      expect(line).toMatch(/^[A-Z0-9_]+=["']/);

    for (const [, service] of dbServices) {
      expect(await project.readEnv(`apps/${service}/.env`)).toEqual({
        DATABASE_URL: sectionOf(local, service).DATABASE_URL,
      });
    }
    for (const frontend of ['frontend', 'react-app']) {
      const section = { ...sectionOf(local, frontend) };
      delete section.NODE_ENV;
      expect(await project.readEnv(`apps/${frontend}/.env`)).toEqual(section);
    }
  });

  it('adds the secrets files to .gitignore', async () => {
    const project = await freshShop();
    await runGenerate(project);
    const lines = (await project.read('.gitignore')).split('\n');
    for (const pattern of [
      '.secrets.tsdevstack.json',
      '.secrets.user.json',
      '.secrets.local.json',
      '.env',
      'apps/*/.env',
    ]) {
      expect(lines).toContain(pattern);
    }
    expect(lines).not.toContain('.secrets.user.example.json');
  });
});

function shopConfigNames(): string[] {
  return (shopConfig().services as Array<{ name: string }>).map((s) => s.name);
}

describe.concurrent('re-running generate-secrets', () => {
  it('changes nothing on a no-op re-run: same bytes, same mtimes, changed=false', async () => {
    const project = await freshShop();
    const source = testSource('first');
    await runGenerate(project, {}, source);
    const before = await snapshotTree(project.root);
    await sleep(25);

    const again = await runGenerate(project, {}, testSource('second'));
    expect(again.changed).toBe(false);
    expect(again.written).toBe(false);
    expect(new Set(again.files.map((f) => f.action))).toEqual(new Set(['unchanged']));
    expect(again.keys.generated).toEqual([]);
    expect(again.keys.kept).toContain('KONG_TRUST_TOKEN');
    expect(describeSnapshot(await snapshotTree(project.root))).toEqual(describeSnapshot(before));

    const check = await runGenerate(project, { check: true });
    expect(check.changed).toBe(false);
    const dryRun = await runGenerate(project, { dryRun: true });
    expect(dryRun.changed).toBe(false);
    expect(describeSnapshot(await snapshotTree(project.root))).toEqual(describeSnapshot(before));
  });

  it('--check reports a missing generated value as a change and writes nothing', async () => {
    const project = await freshShop();
    await runGenerate(project);
    const framework = await project.readJson<SecretsDoc>('.secrets.tsdevstack.json');
    delete framework.secrets.OFFERS_SERVICE_API_KEY;
    await project.write('.secrets.tsdevstack.json', {
      content: `${JSON.stringify(framework, null, 2)}\n`,
      mode: 0o600,
    });
    const before = await snapshotTree(project.root);
    await sleep(25);

    const check = await runGenerate(project, { check: true });
    expect(check.changed).toBe(true);
    expect(check.written).toBe(false);
    expect(check.keys.generated).toEqual(['OFFERS_SERVICE_API_KEY']);
    expect(check.files.find((f) => f.path === '.secrets.tsdevstack.json')?.action).toBe('updated');
    expect(project.exists('.tsdevstack/.secrets.lock')).toBe(false);
    expect(describeSnapshot(await snapshotTree(project.root))).toEqual(describeSnapshot(before));
  });

  it('--check and --dry-run on a project never generated write nothing', async () => {
    const project = await freshShop();
    const before = await snapshotTree(project.root);
    const check = await runGenerate(project, { check: true });
    expect(check.changed).toBe(true);
    expect(check.files.find((f) => f.path === '.secrets.tsdevstack.json')?.action).toBe('created');
    const dry = await runGenerate(project, { dryRun: true });
    expect(dry.written).toBe(false);
    expect(describeSnapshot(await snapshotTree(project.root))).toEqual(describeSnapshot(before));
  });

  it('--check reports a secrets file with a wider mode as a change', async () => {
    const project = await freshShop();
    await runGenerate(project);
    await project.write('.secrets.local.json', {
      content: await project.read('.secrets.local.json'),
      mode: 0o644,
    });
    expect((await runGenerate(project, { check: true })).changed).toBe(true);
    const fix = await runGenerate(project);
    expect(fix.files.find((f) => f.path === '.secrets.local.json')?.action).toBe('mode-fixed');
    expect(await project.mode('.secrets.local.json')).toBe(0o600);
  });
});

describe.concurrent('user overrides (SPEC §5, §6.1)', () => {
  const weirdPassword = 'p@ss:w/rd%20#?';

  async function overriddenShop(): Promise<Project> {
    const project = await freshShop();
    await runGenerate(project);
    const user = await project.readJson<Record<string, unknown>>('.secrets.user.json');
    const secrets = user.secrets as Record<string, string>;
    secrets.REDIS_HOST = 'redis.internal';
    secrets.OFFERS_SERVICE_API_KEY = 'user-chosen-offers-key-0123456789';
    secrets.DB_AUTH_PASSWORD = weirdPassword;
    secrets.STRIPE_KEY = 'sk_test_user_value_1234567890';
    secrets.ACCESS_TOKEN_TTL = '60';
    user['offers-service'] = { secrets: ['STRIPE_KEY'], STRIPE_WEBHOOK_PATH: '/hooks' };
    user['bff-service'] = {
      secrets: ['APP_URL'],
      API_KEY: 'OFFERS_SERVICE_API_KEY',
      APP_URL: 'http://direct.example',
    };
    user['orders-service'] = { secrets: [], API_KEY: 'literal-orders-key.v1' };
    user['catalog-service'] = {
      secrets: [],
      DATABASE_URL: 'mysql://ops:s%40fe@db.internal:3307/catalog',
    };
    await project.write('.secrets.user.json', {
      content: JSON.stringify(user, null, 2),
      mode: 0o600,
    });
    return project;
  }

  it('a user value for a framework key wins everywhere it is read, but never lands in the framework file', async () => {
    const project = await overriddenShop();
    const frameworkBefore = await project.read('.secrets.tsdevstack.json');
    await runGenerate(project);
    const { local } = await readDocs(project);

    expect(await project.read('.secrets.tsdevstack.json')).toBe(frameworkBefore);
    expect(local.secrets.REDIS_HOST).toBe('redis.internal');
    expect(sectionOf(local, 'auth-service').REDIS_HOST).toBe('redis.internal');
    expect(sectionOf(local, 'email-worker').REDIS_HOST).toBe('redis.internal');
    expect((await project.readEnv('.env')).REDIS_HOST).toBe('redis.internal');
    expect(sectionOf(local, 'frontend').ACCESS_TOKEN_TTL).toBe('60');
    expect((await project.readEnv('apps/frontend/.env')).ACCESS_TOKEN_TTL).toBe('60');
  });

  it("a user <SVC>_API_KEY flows into that service's API_KEY alias and every reference", async () => {
    const project = await overriddenShop();
    await runGenerate(project);
    const { local } = await readDocs(project);
    const key = 'user-chosen-offers-key-0123456789';
    expect(local.secrets.OFFERS_SERVICE_API_KEY).toBe(key);
    expect(sectionOf(local, 'offers-service').API_KEY).toBe(key);
    expect(sectionOf(local, 'auth-service').OFFERS_SERVICE_API_KEY).toBe(key);
    expect((await project.readEnv('.env')).OFFERS_SERVICE_API_KEY).toBe(key);
  });

  it('a DB password override flows into DATABASE_URL (percent-encoded) and the root .env (decoded)', async () => {
    const project = await overriddenShop();
    await runGenerate(project);
    const { local } = await readDocs(project);
    const url = dbUrl('postgresql', 'auth_user', weirdPassword, 5432, 'auth-service');
    expect(sectionOf(local, 'auth-service').DATABASE_URL).toBe(url);
    expect(sectionOf(local, 'email-worker').DATABASE_URL).toBe(url);
    expect((await project.readEnv('apps/auth-service/.env')).DATABASE_URL).toBe(url);
    const env = await project.readEnv('.env');
    expect(env.AUTH_DB_PASSWORD).toBe(weirdPassword);
    expect(env.AUTH_DB_USER).toBe('auth_user');
    // a section's own DATABASE_URL override flows through too
    expect(sectionOf(local, 'catalog-service').DATABASE_URL).toBe(
      'mysql://ops:s%40fe@db.internal:3307/catalog',
    );
    expect(env.CATALOG_DB_USER).toBe('ops');
    expect(env.CATALOG_DB_PASSWORD).toBe('s@fe');
  });

  it('resolves section direct values, references, API_KEY references and API_KEY literals', async () => {
    const project = await overriddenShop();
    await runGenerate(project);
    const { local, framework } = await readDocs(project);
    expect(sectionOf(local, 'offers-service')).toMatchObject({
      STRIPE_KEY: 'sk_test_user_value_1234567890',
      STRIPE_WEBHOOK_PATH: '/hooks',
    });
    const bff = sectionOf(local, 'bff-service');
    expect(bff.API_KEY).toBe('user-chosen-offers-key-0123456789'); // reference → merged value
    expect(bff.APP_URL).toBe('http://direct.example'); // a direct value beats the reference
    expect(sectionOf(local, 'orders-service').API_KEY).toBe('literal-orders-key.v1');
    expect(sectionOf<FrameworkSectionDoc>(framework, 'orders-service').API_KEY).toBe(
      framework.secrets.ORDERS_SERVICE_API_KEY,
    );

    const map = await project.readJson<Record<string, string[]>>('.tsdevstack/secret-map.json');
    expect(map['offers-service']).toContain('STRIPE_KEY');
    const example = await project.readJson<Record<string, Record<string, unknown>>>(
      '.secrets.user.example.json',
    );
    expect(example['bff-service']).toEqual({
      secrets: ['APP_URL'],
      API_KEY: 'OFFERS_SERVICE_API_KEY',
      APP_URL: '',
    });
    expect(example['orders-service']?.API_KEY).toBe('');
    expect(JSON.stringify(example)).not.toContain('sk_test_user_value');
  });
});
