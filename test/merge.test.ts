import { describe, expect, it } from 'vitest';
import { parseProjectConfig, type ProjectConfig } from '../src/core/config.js';
import { generateFramework } from '../src/core/framework.js';
import { mergeSecrets } from '../src/core/merge.js';
import { readUserFile, type UserFileData } from '../src/core/secrets-file.js';
import { countingSource } from './support/counting-source.js';

function config(services: unknown[], template: string | null = null): ProjectConfig {
  const result = parseProjectConfig({
    project: { name: 'shop' },
    framework: { template },
    services,
  });
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.config;
}

function user(raw: Record<string, unknown>): UserFileData {
  const result = readUserFile(raw);
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.data;
}

const services = [
  { name: 'billing-service', type: 'nestjs', port: 3001, hasDatabase: true },
  { name: 'offers-service', type: 'express', port: 3002 },
  { name: 'web', type: 'nextjs', port: 3000 },
];
const cfg = config(services);
const framework = generateFramework({
  config: cfg,
  existing: undefined,
  source: countingSource(),
  today: '2026-12-03',
});

describe('mergeSecrets', () => {
  it('lets user values win, keeping framework order first and user-only keys after', () => {
    const merged = mergeSecrets(
      cfg,
      framework,
      user({ secrets: { STRIPE_KEY: 'sk_live_1', REDIS_HOST: 'redis' } }),
    );
    const keys = [...merged.secrets.keys()];
    expect(merged.secrets.get('REDIS_HOST')).toBe('redis');
    expect(keys.indexOf('REDIS_HOST')).toBe([...framework.secrets.keys()].indexOf('REDIS_HOST'));
    expect(keys.at(-1)).toBe('STRIPE_KEY');
  });

  it('flattens a section: PORT, API_KEY, DATABASE_URL, references, then direct values', () => {
    const merged = mergeSecrets(
      cfg,
      framework,
      user({
        secrets: { STRIPE_KEY: 'sk_1' },
        'billing-service': { secrets: ['STRIPE_KEY'], WEBHOOK_PATH: '/hooks', LOG_LEVEL: 'info' },
      }),
    );
    const section = merged.sections.get('billing-service');
    const keys = [...(section?.keys() ?? [])];
    expect(keys.slice(0, 4)).toEqual(['PORT', 'API_KEY', 'DATABASE_URL', 'NODE_ENV']);
    expect(section?.get('STRIPE_KEY')).toBe('sk_1');
    expect(section?.get('WEBHOOK_PATH')).toBe('/hooks');
    expect(section?.get('LOG_LEVEL')).toBe('info');
    expect(section?.get('API_KEY')).toBe(framework.secrets.get('BILLING_SERVICE_API_KEY'));
  });

  it('builds DATABASE_URL from user-overridden credentials, percent-encoded', () => {
    const merged = mergeSecrets(
      cfg,
      framework,
      user({ secrets: { DB_BILLING_PASSWORD: 'p@ss:w/rd#1' } }),
    );
    expect(merged.sections.get('billing-service')?.get('DATABASE_URL')).toBe(
      'postgresql://billing_user:p%40ss%3Aw%2Frd%231@localhost:5432/billing-service',
    );
  });

  it('lets a user override of a service API key flow into its API_KEY alias', () => {
    const merged = mergeSecrets(
      cfg,
      framework,
      user({ secrets: { OFFERS_SERVICE_API_KEY: 'mine' } }),
    );
    expect(merged.sections.get('offers-service')?.get('API_KEY')).toBe('mine');
    expect(merged.sections.get('billing-service')?.get('OFFERS_SERVICE_API_KEY')).toBe('mine');
  });

  it.each([
    ['a reference', 'BILLING_SERVICE_API_KEY', framework.secrets.get('BILLING_SERVICE_API_KEY')],
    ['a literal', 'sk-not-a-key-name', 'sk-not-a-key-name'],
  ])('resolves a section API_KEY that is %s', (_label, apiKey, expected) => {
    const merged = mergeSecrets(cfg, framework, user({ 'offers-service': { API_KEY: apiKey } }));
    expect(merged.sections.get('offers-service')?.get('API_KEY')).toBe(expected);
  });

  it('reports unknown references with the closest names, from lists and from API_KEY', () => {
    const merged = mergeSecrets(
      cfg,
      framework,
      user({
        secrets: { STRIPE_API_KEY: 'x' },
        'billing-service': { secrets: ['STRIPE_APIKEY'] },
        'offers-service': { API_KEY: 'NOPE_KEY' },
      }),
    );
    expect(merged.unknownReferences).toEqual([
      {
        service: 'billing-service',
        key: 'STRIPE_APIKEY',
        suggestions: expect.arrayContaining(['STRIPE_API_KEY']) as string[],
      },
      // an API_KEY that names no key is reported without its value (it may be a literal secret)
      {
        service: 'offers-service',
        key: 'API_KEY',
        suggestions: expect.any(Array) as string[],
        isApiKey: true,
      },
    ]);
  });

  it('resolves an old hyphenated DB reference to the migrated key, under both names', () => {
    const legacy = config([
      { name: 'order-history-service', type: 'nestjs', port: 3005, hasDatabase: true },
    ]);
    const fw = generateFramework({
      config: legacy,
      existing: undefined,
      source: countingSource(),
      today: '2026-12-03',
    });
    const merged = mergeSecrets(
      legacy,
      fw,
      user({ 'order-history-service': { secrets: ['DB_ORDER-HISTORY_PASSWORD'] } }),
    );
    const section = merged.sections.get('order-history-service');
    expect(section?.get('DB_ORDER-HISTORY_PASSWORD')).toBe(
      fw.secrets.get('DB_ORDER_HISTORY_PASSWORD'),
    );
    expect(section?.get('DB_ORDER_HISTORY_PASSWORD')).toBe(
      fw.secrets.get('DB_ORDER_HISTORY_PASSWORD'),
    );
    expect(merged.warnings.map((w) => w.code)).toEqual(['LEGACY_REFERENCE']);
    expect(merged.unknownReferences).toEqual([]);
  });

  it('writes the secret map: framework and user references plus DATABASE_URL, no values', () => {
    const merged = mergeSecrets(
      cfg,
      framework,
      user({ secrets: { API_URL: 'x' }, web: { secrets: ['API_URL'] } }),
    );
    expect(merged.secretMap.get('web')).toEqual(['KONG_INTERNAL_URL', 'API_URL']);
    expect(merged.secretMap.get('billing-service')?.at(-1)).toBe('DATABASE_URL');
    expect(merged.secretMap.get('offers-service')).not.toContain('DATABASE_URL');
  });
});
