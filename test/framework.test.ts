import { describe, expect, it } from 'vitest';
import { parseProjectConfig, type ProjectConfig } from '../src/core/config.js';
import { frameworkDocument, stringifyOwnedJson } from '../src/core/documents.js';
import {
  generateFramework,
  type FrameworkInput,
  type FrameworkResult,
} from '../src/core/framework.js';
import { readFrameworkFile, type FrameworkFileData } from '../src/core/secrets-file.js';
import { CliError } from '../src/errors.js';
import { countingSource } from './support/counting-source.js';

const TODAY = '2026-12-03';

function config(raw: Record<string, unknown>): ProjectConfig {
  const result = parseProjectConfig({ project: { name: 'acme-shop' }, ...raw });
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.config;
}

const shop = config({
  framework: { template: 'fullstack-auth' },
  services: [
    { name: 'auth-service', type: 'nestjs', port: 3001, hasDatabase: true },
    { name: 'frontend', type: 'nextjs', port: 3000 },
    { name: 'offers-service', type: 'nestjs', port: 3003, hasDatabase: true, databasePort: 5440 },
    { name: 'react-app', type: 'spa', port: 3004 },
    { name: 'email-worker', type: 'worker', baseService: 'auth-service' },
  ],
  storage: { buckets: ['uploads'] },
});

function run(input: Partial<FrameworkInput> & { config: ProjectConfig }): FrameworkResult {
  return generateFramework({
    existing: undefined,
    source: countingSource(),
    today: TODAY,
    ...input,
  });
}

/** What the next run reads back: the written document, parsed and validated like the CLI does. */
function reread(result: FrameworkResult): FrameworkFileData {
  const parsed = readFrameworkFile(JSON.parse(stringifyOwnedJson(frameworkDocument(result))));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.data;
}

describe('generateFramework: a fresh project', () => {
  const result = run({ config: shop });
  const secrets = Object.fromEntries(result.secrets);

  it('writes the fixed values of SPEC §3', () => {
    expect(secrets).toMatchObject({
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
      STORAGE_ENDPOINT: 'http://localhost:9000',
      STORAGE_ACCESS_KEY: 'minioadmin',
      STORAGE_SECRET_KEY: 'minioadmin',
      STORAGE_FORCE_PATH_STYLE: 'true',
      STORAGE_BUCKET_UPLOADS: 'acme-shop-uploads-dev',
      AUTH_SERVICE_URL: 'http://localhost:3001',
      OFFERS_SERVICE_URL: 'http://localhost:3003',
      DB_AUTH_USERNAME: 'auth_user',
      DB_OFFERS_USERNAME: 'offers_user',
      JWT_KEY_ID_CURRENT: '2026-12-03-key-1',
    });
  });

  it('makes one API key per backend and worker, none for frontends, no URL for workers', () => {
    const apiKeys = Object.keys(secrets).filter((k) => k.endsWith('_API_KEY'));
    expect(apiKeys).toEqual([
      'AUTH_SERVICE_API_KEY',
      'OFFERS_SERVICE_API_KEY',
      'EMAIL_WORKER_API_KEY',
    ]);
    expect(secrets.EMAIL_WORKER_URL).toBeUndefined();
    expect(secrets.FRONTEND_URL).toBeUndefined();
    for (const key of apiKeys) expect(secrets[key]).toMatch(/^[0-9a-f]{64}$/);
    expect(secrets.KONG_TRUST_TOKEN).toMatch(/^[0-9a-f]{64}$/);
  });

  it('makes a matching RSA pair in PEM form', () => {
    expect(secrets.JWT_PRIVATE_KEY_CURRENT).toMatch(
      /^-----BEGIN PRIVATE KEY-----\n[\s\S]+\n-----END PRIVATE KEY-----\n$/,
    );
    expect(secrets.JWT_PUBLIC_KEY_CURRENT).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    expect(secrets.JWT_PRIVATE_KEY_PREVIOUS).toBeUndefined();
  });

  it('builds the service sections of SPEC §4', () => {
    const auth = result.sections.get('auth-service');
    expect(auth?.PORT).toBe('3001');
    expect(auth?.API_KEY).toBe(secrets.AUTH_SERVICE_API_KEY);
    expect(auth?.DATABASE_URL).toBe(
      `postgresql://auth_user:${encodeURIComponent(secrets.DB_AUTH_PASSWORD ?? '')}@localhost:5432/auth-service`,
    );
    expect(auth?.secrets).toEqual([
      'NODE_ENV',
      'LOG_LEVEL',
      'REDIS_HOST',
      'REDIS_PORT',
      'REDIS_PASSWORD',
      'REDIS_TLS',
      'KONG_TRUST_TOKEN',
      'AUTH_SERVICE_API_KEY',
      'OFFERS_SERVICE_API_KEY',
      'EMAIL_WORKER_API_KEY',
      'AUTH_SERVICE_URL',
      'OFFERS_SERVICE_URL',
      'JWT_PRIVATE_KEY_CURRENT',
      'JWT_PUBLIC_KEY_CURRENT',
      'JWT_KEY_ID_CURRENT',
      'REFRESH_TOKEN_SECRET',
      'BCRYPT_ROUNDS',
      'DB_AUTH_USERNAME',
      'DB_AUTH_PASSWORD',
      'STORAGE_ENDPOINT',
      'STORAGE_ACCESS_KEY',
      'STORAGE_SECRET_KEY',
      'STORAGE_FORCE_PATH_STYLE',
      'STORAGE_BUCKET_UPLOADS',
    ]);
    expect(result.sections.get('offers-service')?.DATABASE_URL).toMatch(
      /@localhost:5440\/offers-service$/,
    );
    expect(result.sections.get('frontend')).toEqual({
      PORT: '3000',
      secrets: ['KONG_INTERNAL_URL'],
    });
    expect(result.sections.get('react-app')).toEqual({ PORT: '3004', secrets: [] });
  });

  it('gives a worker its base service list, its own API key and the base database URL', () => {
    const worker = result.sections.get('email-worker');
    expect(worker?.PORT).toBeUndefined();
    expect(worker?.API_KEY).toBe(secrets.EMAIL_WORKER_API_KEY);
    expect(worker?.secrets).toEqual(result.sections.get('auth-service')?.secrets);
    expect(worker?.DATABASE_URL).toBe(result.sections.get('auth-service')?.DATABASE_URL);
  });

  it('reports every random value as generated', () => {
    expect(result.report.generated).toContain('KONG_TRUST_TOKEN');
    expect(result.report.generated).toContain('JWT_PRIVATE_KEY_CURRENT');
    expect(result.report.kept).toEqual([]);
  });
});

describe('generateFramework: preservation', () => {
  it('keeps every kept value verbatim on the next run and generates nothing', () => {
    const first = run({ config: shop });
    const source = countingSource();
    const second = generateFramework({
      config: shop,
      existing: reread(first),
      source,
      today: '2027-01-01',
    });
    expect(Object.fromEntries(second.secrets)).toEqual(Object.fromEntries(first.secrets));
    expect(second.report.generated).toEqual([]);
    expect(source.calls).toEqual({ hex: 0, base64: 0, rsa: 0 });
  });

  it('regenerates an empty string but keeps its neighbours', () => {
    const first = reread(run({ config: shop }));
    first.secrets.set('KONG_TRUST_TOKEN', '');
    const second = run({ config: shop, existing: first });
    expect(second.secrets.get('KONG_TRUST_TOKEN')).toMatch(/^[0-9a-f]{64}$/);
    expect(second.secrets.get('KONG_TRUST_TOKEN')).not.toBe('');
    expect(second.report.generated).toEqual(['KONG_TRUST_TOKEN']);
  });

  it('sets changed fixed values back and reports them as reset', () => {
    const first = reread(run({ config: shop }));
    first.secrets.set('REDIS_HOST', 'redis.internal');
    first.secrets.set('AUTH_SERVICE_URL', 'http://localhost:9999');
    const second = run({ config: shop, existing: first });
    expect(second.secrets.get('REDIS_HOST')).toBe('localhost');
    expect(second.report.reset).toEqual(['REDIS_HOST', 'AUTH_SERVICE_URL']);
  });

  it('rotates only the named keys', () => {
    const first = run({ config: shop });
    const second = run({
      config: shop,
      existing: reread(first),
      rotateKeys: new Set(['OFFERS_SERVICE_API_KEY']),
    });
    expect(second.secrets.get('OFFERS_SERVICE_API_KEY')).not.toBe(
      first.secrets.get('OFFERS_SERVICE_API_KEY'),
    );
    expect(second.secrets.get('AUTH_SERVICE_API_KEY')).toBe(
      first.secrets.get('AUTH_SERVICE_API_KEY'),
    );
    expect(second.sections.get('offers-service')?.API_KEY).toBe(
      second.secrets.get('OFFERS_SERVICE_API_KEY'),
    );
  });
});

describe('generateFramework: services leaving and returning', () => {
  const withoutOffers = config({
    framework: { template: 'fullstack-auth' },
    services: [{ name: 'auth-service', type: 'nestjs', port: 3001, hasDatabase: true }],
  });
  const withOffers = config({
    framework: { template: 'fullstack-auth' },
    services: [
      { name: 'auth-service', type: 'nestjs', port: 3001, hasDatabase: true },
      { name: 'offers-service', type: 'nestjs', port: 3003, hasDatabase: true },
    ],
  });

  it('retires the kept values of a removed service and restores them when it returns', () => {
    const first = run({ config: withOffers });
    const removed = run({ config: withoutOffers, existing: reread(first) });
    expect(removed.secrets.has('OFFERS_SERVICE_API_KEY')).toBe(false);
    expect(Object.fromEntries(removed.retired.get('offers-service') ?? [])).toEqual({
      OFFERS_SERVICE_API_KEY: first.secrets.get('OFFERS_SERVICE_API_KEY'),
      DB_OFFERS_USERNAME: 'offers_user',
      DB_OFFERS_PASSWORD: first.secrets.get('DB_OFFERS_PASSWORD'),
    });
    expect(removed.report.retired).toEqual([
      'OFFERS_SERVICE_API_KEY',
      'DB_OFFERS_USERNAME',
      'DB_OFFERS_PASSWORD',
    ]);

    const back = run({ config: withOffers, existing: reread(removed) });
    expect(back.secrets.get('DB_OFFERS_PASSWORD')).toBe(first.secrets.get('DB_OFFERS_PASSWORD'));
    expect(back.secrets.get('OFFERS_SERVICE_API_KEY')).toBe(
      first.secrets.get('OFFERS_SERVICE_API_KEY'),
    );
    expect(back.retired.size).toBe(0);
  });

  it('deletes retired values with prune', () => {
    const first = run({ config: withOffers });
    const removed = run({ config: withoutOffers, existing: reread(first) });
    const pruned = run({ config: withoutOffers, existing: reread(removed), prune: true });
    expect(pruned.retired.size).toBe(0);
    expect(pruned.pruned.sort()).toEqual([
      'DB_OFFERS_PASSWORD',
      'DB_OFFERS_USERNAME',
      'OFFERS_SERVICE_API_KEY',
    ]);
  });

  it('retires database credentials when a service loses hasDatabase', () => {
    const noDb = config({
      framework: { template: 'fullstack-auth' },
      services: [
        { name: 'auth-service', type: 'nestjs', port: 3001, hasDatabase: true },
        { name: 'offers-service', type: 'nestjs', port: 3003 },
      ],
    });
    const first = run({ config: withOffers });
    const second = run({ config: noDb, existing: reread(first) });
    expect(second.retired.get('offers-service')?.get('DB_OFFERS_PASSWORD')).toBe(
      first.secrets.get('DB_OFFERS_PASSWORD'),
    );
    expect(second.secrets.get('OFFERS_SERVICE_API_KEY')).toBe(
      first.secrets.get('OFFERS_SERVICE_API_KEY'),
    );
  });
});

describe('generateFramework: migration from the original tool', () => {
  const legacy = config({
    framework: { template: null },
    services: [{ name: 'order-history-service', type: 'nestjs', port: 3005, hasDatabase: true }],
  });
  const existing = (secrets: Record<string, string>): FrameworkFileData => ({
    secrets: new Map(Object.entries(secrets)),
    sectionNames: ['order-history-service'],
    retired: new Map(),
  });

  it('moves hyphenated DB keys to the new names and keeps old usernames', () => {
    const result = run({
      config: legacy,
      existing: existing({
        'DB_ORDER-HISTORY_USERNAME': 'order-history-service',
        'DB_ORDER-HISTORY_PASSWORD': 'old+pass/word=',
      }),
    });
    expect(result.secrets.get('DB_ORDER_HISTORY_USERNAME')).toBe('order-history-service');
    expect(result.secrets.get('DB_ORDER_HISTORY_PASSWORD')).toBe('old+pass/word=');
    expect(result.secrets.has('DB_ORDER-HISTORY_PASSWORD')).toBe(false);
    expect(result.report.migrated.sort()).toEqual([
      'DB_ORDER_HISTORY_PASSWORD',
      'DB_ORDER_HISTORY_USERNAME',
    ]);
    expect(result.sections.get('order-history-service')?.DATABASE_URL).toBe(
      'postgresql://order-history-service:old%2Bpass%2Fword%3D@localhost:5432/order-history-service',
    );
  });

  it('lets the new key win over a differing old one, with a warning naming both', () => {
    const result = run({
      config: legacy,
      existing: existing({ 'DB_ORDER-HISTORY_PASSWORD': 'old', DB_ORDER_HISTORY_PASSWORD: 'new' }),
    });
    expect(result.secrets.get('DB_ORDER_HISTORY_PASSWORD')).toBe('new');
    expect(result.warnings).toEqual([
      expect.objectContaining({
        code: 'MIGRATION_CONFLICT',
        message: expect.stringContaining(
          'DB_ORDER-HISTORY_PASSWORD and DB_ORDER_HISTORY_PASSWORD',
        ) as string,
      }),
    ]);
  });
});

describe('generateFramework: JWT keys', () => {
  const auth = config({
    framework: { template: 'auth' },
    services: [{ name: 'auth-service', type: 'nestjs', port: 3001 }],
  });

  it('derives a missing public key and key id from a kept private key', () => {
    const first = reread(run({ config: auth }));
    const privateKey = first.secrets.get('JWT_PRIVATE_KEY_CURRENT');
    const publicKey = first.secrets.get('JWT_PUBLIC_KEY_CURRENT');
    first.secrets.delete('JWT_PUBLIC_KEY_CURRENT');
    first.secrets.delete('JWT_KEY_ID_CURRENT');
    const source = countingSource();
    const second = generateFramework({ config: auth, existing: first, source, today: TODAY });
    expect(second.secrets.get('JWT_PRIVATE_KEY_CURRENT')).toBe(privateKey);
    expect(second.secrets.get('JWT_PUBLIC_KEY_CURRENT')).toBe(publicKey);
    expect(second.secrets.get('JWT_KEY_ID_CURRENT')).toBe('2026-12-03-key-1');
    expect(source.calls.rsa).toBe(0);
  });

  it.each([
    ['a private key that does not parse', 'JWT_PRIVATE_KEY_CURRENT', 'not a key'],
    ['a public key of another pair', 'JWT_PUBLIC_KEY_CURRENT', 'other'],
  ])('refuses %s with a hint to rotate', (_label, key, replacement) => {
    const first = reread(run({ config: auth }));
    const other = reread(run({ config: auth, source: countingSource(1) }));
    first.secrets.set(key, replacement === 'other' ? (other.secrets.get(key) ?? '') : replacement);
    let error: unknown;
    try {
      run({ config: auth, existing: first });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(2);
    expect((error as CliError).code).toBe('JWT_KEY_INVALID');
    expect((error as CliError).hint).toContain('secrets:rotate --jwt');
    expect((error as CliError).message).not.toContain('BEGIN');
  });

  it('moves the current trio to previous on rotation and numbers the new key id', () => {
    const first = run({ config: auth });
    const rotated = run({
      config: auth,
      existing: reread(first),
      rotateJwt: true,
      source: countingSource(1),
    });
    expect(rotated.secrets.get('JWT_PRIVATE_KEY_PREVIOUS')).toBe(
      first.secrets.get('JWT_PRIVATE_KEY_CURRENT'),
    );
    expect(rotated.secrets.get('JWT_KEY_ID_PREVIOUS')).toBe('2026-12-03-key-1');
    expect(rotated.secrets.get('JWT_KEY_ID_CURRENT')).toBe('2026-12-03-key-2');
    expect(rotated.secrets.get('JWT_PRIVATE_KEY_CURRENT')).not.toBe(
      first.secrets.get('JWT_PRIVATE_KEY_CURRENT'),
    );
    expect(rotated.sections.get('auth-service')?.secrets).toContain('JWT_PUBLIC_KEY_PREVIOUS');
    expect(rotated.report.kept).toContain('JWT_PRIVATE_KEY_PREVIOUS');
    expect(rotated.report.generated).not.toContain('JWT_PRIVATE_KEY_PREVIOUS');
    const again = run({ config: auth, existing: reread(rotated) });
    expect(again.secrets.get('JWT_PRIVATE_KEY_PREVIOUS')).toBe(
      first.secrets.get('JWT_PRIVATE_KEY_CURRENT'),
    );
    expect(again.retired.size).toBe(0);
  });

  it('discards an invalid current trio on rotation instead of keeping it as previous', () => {
    const first = reread(run({ config: auth }));
    first.secrets.set('JWT_PRIVATE_KEY_CURRENT', 'garbage');
    const rotated = run({ config: auth, existing: first, rotateJwt: true });
    expect(rotated.secrets.has('JWT_PRIVATE_KEY_PREVIOUS')).toBe(false);
    expect(rotated.warnings.map((w) => w.code)).toEqual(['JWT_DISCARDED']);
  });
});
