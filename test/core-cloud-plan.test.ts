import { describe, expect, it } from 'vitest';
import {
  compareRefs,
  deploymentOwnedKeys,
  frameworkKeys,
  isPreviousJwtKey,
  neededSecrets,
  planDiff,
  readSecretMap,
  sortRefs,
} from '../src/core/cloud-plan.js';
import { parseProjectConfig, type ProjectConfig } from '../src/core/config.js';
import { readUserFile, type UserFileData } from '../src/core/secrets-file.js';
import type { SecretRef } from '../src/providers/secret-store.js';
import { shopConfig } from './support/temp-project.js';

function configOf(raw: unknown): ProjectConfig {
  const parsed = parseProjectConfig(raw);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.config;
}

function userOf(raw: unknown): UserFileData {
  const parsed = readUserFile(raw);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.data;
}

const SHOP = configOf(shopConfig());
const shared = (key: string): SecretRef => ({ key, scope: 'shared' });
const scoped = (scope: string, key: string): SecretRef => ({ key, scope });

describe('deploymentOwnedKeys (SPEC §9.4)', () => {
  const owned = deploymentOwnedKeys(SHOP);
  it.each([
    // fixed names
    ['DATABASE_URL', true],
    ['NODE_ENV', true],
    ['LOG_LEVEL', true],
    ['SECRETS_PROVIDER', true],
    ['KONG_SSL_VERIFY', true],
    ['KONG_INTERNAL_URL', true],
    ['REDIS_HOST', true],
    ['REDIS_PORT', true],
    ['REDIS_PASSWORD', true],
    ['REDIS_TLS', true],
    ['STORAGE_ENDPOINT', true],
    ['STORAGE_ACCESS_KEY', true],
    ['STORAGE_SECRET_KEY', true],
    ['STORAGE_FORCE_PATH_STYLE', true],
    ['STORAGE_BUCKET_UPLOADS', true], // its local value names the -dev bucket
    // <SVC>_URL of every backend (nestjs, express, fastify, custom) …
    ['AUTH_SERVICE_URL', true],
    ['ORDERS_SERVICE_URL', true],
    ['CATALOG_SERVICE_URL', true],
    ['EVENTS_SERVICE_URL', true],
    ['BFF_SERVICE_URL', true],
    // … but not of frontends or workers, which have no such key
    ['FRONTEND_URL', false],
    ['EMAIL_WORKER_URL', false],
    // DB_<P>_* of every database service, whatever its database type
    ['DB_AUTH_USERNAME', true],
    ['DB_AUTH_PASSWORD', true],
    ['DB_CATALOG_PASSWORD', true],
    ['DB_EVENTS_USERNAME', true],
    ['DB_BFF_PASSWORD', false], // bff has no database
    // framework secrets the environment needs
    ['KONG_TRUST_TOKEN', false],
    ['AUTH_SERVICE_API_KEY', false],
    ['EMAIL_WORKER_API_KEY', false],
    ['JWT_PRIVATE_KEY_CURRENT', false],
    ['REFRESH_TOKEN_SECRET', false],
    ['BCRYPT_ROUNDS', false],
    // user keys
    ['DOMAIN', false],
    ['API_URL', false],
    ['REDIS_URL', false], // not a fixed REDIS_* key of §3
  ])('%s → %s', (key, expected) => {
    expect(owned.has(key)).toBe(expected);
  });

  it('follows the config: no buckets, no storage keys beyond the fixed ones', () => {
    const config = configOf({ ...shopConfig(), storage: { buckets: [] } });
    expect([...deploymentOwnedKeys(config)].filter((k) => k.startsWith('STORAGE_'))).toEqual([
      'STORAGE_ENDPOINT',
      'STORAGE_ACCESS_KEY',
      'STORAGE_SECRET_KEY',
      'STORAGE_FORCE_PATH_STYLE',
    ]);
  });
});

describe('isPreviousJwtKey', () => {
  it.each([
    ['JWT_PRIVATE_KEY_PREVIOUS', true],
    ['JWT_PUBLIC_KEY_PREVIOUS', true],
    ['JWT_KEY_ID_PREVIOUS', true],
    ['JWT_PRIVATE_KEY_CURRENT', false],
    ['JWT_PREVIOUS', false],
    ['MY_JWT_KEY_PREVIOUS', false],
  ])('%s → %s', (key, expected) => expect(isPreviousJwtKey(key)).toBe(expected));
});

describe('frameworkKeys', () => {
  it.each([
    ['KONG_TRUST_TOKEN', true],
    ['AUTH_SERVICE_API_KEY', true],
    ['EMAIL_WORKER_API_KEY', true],
    ['DB_ORDERS_PASSWORD', true],
    ['STORAGE_BUCKET_UPLOADS', true],
    ['DATABASE_URL', true],
    ['DOMAIN', false],
    ['STRIPE_SECRET_KEY', false],
    ['FRONTEND_API_KEY', false],
  ])('%s → %s', (key, expected) => expect(frameworkKeys(SHOP).has(key)).toBe(expected));
});

describe('neededSecrets', () => {
  const secretMap = new Map<string, string[]>([
    ['auth-service', ['NODE_ENV', 'KONG_TRUST_TOKEN', 'AUTH_SERVICE_API_KEY', 'AUTH_SERVICE_URL', 'DB_AUTH_USERNAME', 'JWT_PRIVATE_KEY_CURRENT', 'JWT_PRIVATE_KEY_PREVIOUS', 'ACCESS_TOKEN_TTL', 'DATABASE_URL'], ], // prettier-ignore
    ['frontend', ['KONG_INTERNAL_URL', 'API_URL']],
    ['bff-service', ['KONG_TRUST_TOKEN', 'BFF_SERVICE_API_KEY', 'STORAGE_BUCKET_UPLOADS']],
    ['orders-service', ['DB_ORDERS_PASSWORD', 'ORDERS_SERVICE_API_KEY']],
    // a service that left the config (stale map): nothing it lists is needed
    ['gone-service', ['GONE_SERVICE_API_KEY']],
  ]);

  it('takes the secret map and the user keys, minus deployment-owned keys and JWT_*_PREVIOUS', () => {
    const user = userOf({
      $comment: 'metadata is skipped',
      secrets: {
        DOMAIN: '',
        ACCESS_TOKEN_TTL: '900',
        STRIPE_SECRET_KEY: 'sk',
        REDIS_HOST: 'redis.internal', // a user key is never deployment-owned
        JWT_KEY_ID_PREVIOUS: 'x', // still only exists after a rotation
      },
      'offers-service': {
        secrets: ['STRIPE_SECRET_KEY'],
        API_KEY: 'OFFERS_SERVICE_API_KEY', // an alias, not a secret of its own
        PORT: '4000', // set by the platform
        DATABASE_URL: 'postgresql://localhost/offers', // deployment-owned
        WEBHOOK_PATH: '/hooks', // a service-specific value: that service's scope
      },
      'gone-service': { WEBHOOK_PATH: '/old' },
    });
    expect(neededSecrets(SHOP, { secretMap, user })).toEqual([
      shared('ACCESS_TOKEN_TTL'),
      shared('API_URL'),
      shared('AUTH_SERVICE_API_KEY'),
      shared('BFF_SERVICE_API_KEY'),
      shared('DOMAIN'),
      shared('JWT_PRIVATE_KEY_CURRENT'),
      shared('KONG_TRUST_TOKEN'),
      shared('ORDERS_SERVICE_API_KEY'),
      shared('REDIS_HOST'),
      shared('STRIPE_SECRET_KEY'),
      scoped('offers-service', 'WEBHOOK_PATH'),
    ]);
  });

  it("reads the original tool's hyphenated DB names as the current keys (deployment-owned)", () => {
    const config = configOf(
      shopConfig([
        { name: 'order-history-service', type: 'nestjs', port: 3001, hasDatabase: true },
      ]),
    );
    const map = new Map([['order-history-service', ['DB_ORDER-HISTORY_PASSWORD', 'DB_OTHER-APP_PASSWORD']]]); // prettier-ignore
    expect(neededSecrets(config, { secretMap: map, user: undefined })).toEqual([
      shared('DB_OTHER_APP_PASSWORD'), // no configured service owns it
    ]);
  });

  it('needs no user file', () => {
    const needed = neededSecrets(SHOP, { secretMap: new Map([['frontend', ['API_URL']]]), user: undefined }); // prettier-ignore
    expect(needed).toEqual([shared('API_URL')]);
  });
});

describe('planDiff', () => {
  const owned = deploymentOwnedKeys(SHOP);
  it.each<
    [
      string,
      SecretRef[],
      SecretRef[],
      { missing: SecretRef[]; extra: SecretRef[]; present: SecretRef[] },
    ]
  >([
    // prettier-ignore
    ['nothing needed, nothing there', [], [], { missing: [], extra: [], present: [] }],
    [
      'everything missing',
      [shared('B'), shared('A')],
      [],
      { missing: [shared('A'), shared('B')], extra: [], present: [] },
    ],
    ['all there', [shared('A')], [shared('A')], { missing: [], extra: [], present: [shared('A')] }],
    [
      'extra keys, but deployment-owned and JWT_*_PREVIOUS ones are expected in any scope',
      [shared('A')],
      [
        shared('A'),
        shared('OLD'),
        shared('REDIS_HOST'),
        scoped('auth-service', 'DATABASE_URL'),
        shared('JWT_PUBLIC_KEY_PREVIOUS'),
        scoped('bff-service', 'TOKEN'),
      ],
      {
        missing: [],
        extra: [shared('OLD'), scoped('bff-service', 'TOKEN')],
        present: [shared('A')],
      },
    ],
    [
      'the scope counts: a shared key stored in a service scope is missing and extra',
      [shared('STRIPE')],
      [scoped('offers-service', 'STRIPE')],
      { missing: [shared('STRIPE')], extra: [scoped('offers-service', 'STRIPE')], present: [] },
    ],
    [
      'keys compare exactly (case matters)',
      [shared('Stripe')],
      [shared('STRIPE')],
      { missing: [shared('Stripe')], extra: [shared('STRIPE')], present: [] },
    ],
    [
      'duplicates count once',
      [shared('A'), shared('A')],
      [shared('X'), shared('X')],
      { missing: [shared('A')], extra: [shared('X')], present: [] },
    ],
  ])('%s', (_label, needed, present, expected) => {
    expect(planDiff(needed, present, owned)).toEqual(expected);
  });
});

describe('the listing order', () => {
  it('puts the shared scope first, then sorts by key, then by scope, in code-unit order', () => {
    const refs = [
      scoped('orders-service', 'DATABASE_URL'),
      shared('b_lower'),
      scoped('auth-service', 'DATABASE_URL'),
      shared('ZED'),
      shared('API_URL'),
      scoped('auth-service', 'A'),
    ];
    expect(sortRefs(refs)).toEqual([
      shared('API_URL'),
      shared('ZED'),
      shared('b_lower'),
      scoped('auth-service', 'A'),
      scoped('auth-service', 'DATABASE_URL'),
      scoped('orders-service', 'DATABASE_URL'),
    ]);
    expect(compareRefs(shared('A'), shared('A'))).toBe(0);
  });
});

describe('readSecretMap', () => {
  it.each<[string, unknown, unknown]>([
    ['a map of key lists', { a: ['X', 'Y'], $meta: 1 }, { ok: true, data: new Map([['a', ['X', 'Y']]]) }], // prettier-ignore
    ['an empty object', {}, { ok: true, data: new Map() }],
    ['an array', [], { ok: false, issues: [{ path: '', message: 'must be a JSON object of key lists' }] }], // prettier-ignore
    [
      'a section that is not a list of strings',
      { a: ['X', 1], b: 'X', c: ['Y'] },
      {
        ok: false,
        issues: [
          { path: '"a"', message: 'must be a list of key names' },
          { path: '"b"', message: 'must be a list of key names' },
        ],
      },
    ],
  ])('%s', (_label, raw, expected) => expect(readSecretMap(raw)).toEqual(expected));
});
