import { describe, expect, it } from 'vitest';
import {
  apiKeyName,
  bucketKeyName,
  closestNames,
  currentKeyForLegacyDbKey,
  dbPasswordEnvName,
  dbPasswordKey,
  dbPrefix,
  dbUserEnvName,
  dbUsername,
  dbUsernameKey,
  isMetadataKey,
  KEY_PATTERN,
  LEGACY_DB_KEY_PATTERN,
  legacyDbPasswordKey,
  legacyDbPrefix,
  legacyDbUsernameKey,
  screamingSnake,
  urlKeyName,
} from '../src/core/naming.js';
import type { DatabaseType } from '../src/core/config.js';

describe('name conversions', () => {
  it.each([
    ['auth-service', 'AUTH_SERVICE'],
    ['frontend', 'FRONTEND'],
    ['my-api-v2', 'MY_API_V2'],
    ['a--b', 'A__B'],
    ['ab-', 'AB_'],
  ])('screamingSnake(%j) = %j', (name, expected) => {
    expect(screamingSnake(name)).toBe(expected);
  });

  it.each([
    ['user-management-service', 'USER_MANAGEMENT', 'USER-MANAGEMENT'],
    ['auth-service', 'AUTH', 'AUTH'],
    ['auth', 'AUTH', 'AUTH'],
    ['order-history', 'ORDER_HISTORY', 'ORDER-HISTORY'],
    ['service', 'SERVICE', 'SERVICE'],
    ['x-service-service', 'X_SERVICE', 'X-SERVICE'],
    ['billing-services', 'BILLING_SERVICES', 'BILLING-SERVICES'],
    ['service-auth', 'SERVICE_AUTH', 'SERVICE-AUTH'],
  ])('dbPrefix(%j) = %j, legacyDbPrefix = %j', (name, prefix, legacy) => {
    expect(dbPrefix(name)).toBe(prefix);
    expect(legacyDbPrefix(name)).toBe(legacy);
  });

  it.each<[string, DatabaseType, string]>([
    ['auth-service', 'postgresql', 'auth_user'],
    ['auth-service', 'mysql', 'auth_user'],
    ['user-management-service', 'mongodb', 'user_management_user'],
    // 32-character prefix: kept for postgresql, cut to 27 + "_user" for mysql
    ['customer-relationship-management', 'postgresql', 'customer_relationship_management_user'],
    ['customer-relationship-management', 'mysql', 'customer_relationship_manag_user'],
    ['customer-relationship-management-service', 'mysql', 'customer_relationship_manag_user'],
    // exactly 27 characters of prefix: 32 in all, nothing to cut
    ['abcdefghijklmnopqrstuvwxyza', 'mysql', 'abcdefghijklmnopqrstuvwxyza_user'],
    ['abcdefghijklmnopqrstuvwxyzab', 'mysql', 'abcdefghijklmnopqrstuvwxyza_user'],
    // the cut lands after a "_": the dangling "_" is dropped
    ['abcdefghijklmnopqrstuvwxyz-abc', 'mysql', 'abcdefghijklmnopqrstuvwxyz_user'],
  ])('dbUsername(%j, %s) = %j', (name, type, expected) => {
    const username = dbUsername(name, type);
    expect(username).toBe(expected);
    if (type === 'mysql') expect(username.length).toBeLessThanOrEqual(32);
  });
});

describe('key names', () => {
  it('builds every key of a service, a bucket and the root .env', () => {
    const name = 'user-management-service';
    expect({
      api: apiKeyName(name),
      url: urlKeyName(name),
      dbUser: dbUsernameKey(name),
      dbPassword: dbPasswordKey(name),
      legacyUser: legacyDbUsernameKey(name),
      legacyPassword: legacyDbPasswordKey(name),
      envUser: dbUserEnvName(name),
      envPassword: dbPasswordEnvName(name),
      bucket: bucketKeyName('user-uploads'),
    }).toEqual({
      api: 'USER_MANAGEMENT_SERVICE_API_KEY',
      url: 'USER_MANAGEMENT_SERVICE_URL',
      dbUser: 'DB_USER_MANAGEMENT_USERNAME',
      dbPassword: 'DB_USER_MANAGEMENT_PASSWORD',
      legacyUser: 'DB_USER-MANAGEMENT_USERNAME',
      legacyPassword: 'DB_USER-MANAGEMENT_PASSWORD',
      envUser: 'USER_MANAGEMENT_DB_USER',
      envPassword: 'USER_MANAGEMENT_DB_PASSWORD',
      bucket: 'STORAGE_BUCKET_USER_UPLOADS',
    });
  });

  it.each([
    ['STRIPE_API_KEY', true],
    ['_private', true],
    ['a1', true],
    ['1ABC', false],
    ['MY-KEY', false],
    ['MY KEY', false],
    ['', false],
    ['KEY\n', false],
  ])('KEY_PATTERN %j → %s', (key, expected) => {
    expect(KEY_PATTERN.test(key)).toBe(expected);
  });

  it.each([
    ['DB_ORDER-HISTORY_PASSWORD', true],
    ['DB_USER-MANAGEMENT_USERNAME', true],
    ['DB_A-B-C_USERNAME', true],
    ['DB_A--B_PASSWORD', true],
    ['DB_AUTH_USERNAME', false], // no hyphen: already a current key
    ['DB_ORDER-HISTORY_URL', false],
    ['db_order-history_password', false],
    ['DB_-X_PASSWORD', false],
    ['XDB_ORDER-HISTORY_PASSWORD', false],
  ])('LEGACY_DB_KEY_PATTERN %j → %s', (key, expected) => {
    expect(LEGACY_DB_KEY_PATTERN.test(key)).toBe(expected);
  });

  it.each([
    ['DB_ORDER-HISTORY_PASSWORD', 'DB_ORDER_HISTORY_PASSWORD'],
    ['DB_A--B_USERNAME', 'DB_A__B_USERNAME'],
  ])('legacy key %s migrates to %s, the key the current naming derives', (legacy, current) => {
    expect(currentKeyForLegacyDbKey(legacy)).toBe(current);
  });

  it('the migrated legacy key is the current key of the same service', () => {
    for (const name of ['order-history-service', 'a--b', 'x-service-service']) {
      expect(currentKeyForLegacyDbKey(legacyDbPasswordKey(name))).toBe(dbPasswordKey(name));
    }
  });

  it.each([
    ['$comment', true],
    ['$retired', true],
    ['comment', false],
    ['a$', false],
    ['', false],
  ])('isMetadataKey(%j) = %s', (key, expected) => {
    expect(isMetadataKey(key)).toBe(expected);
  });
});

describe('closestNames', () => {
  // prettier-ignore
  it.each<[string, string, string[], number | undefined, string[]]>([
    ['a typo', 'nestsj', ['nestjs', 'express', 'fastify'], 1, ['nestjs']],
    ['case-insensitive, closest first', 'stripe_key', ['STRIPE_KEYS', 'STRIPE_KEY'], undefined, ['STRIPE_KEY', 'STRIPE_KEYS']],
    ['case-sensitive distance breaks ties', 'Auth', ['AUTH', 'auth'], undefined, ['auth', 'AUTH']],
    ['a name contained in a longer one', 'DOMAIN', ['EMAIL_DOMAIN', 'REDIS_HOST'], undefined, ['EMAIL_DOMAIN']],
    ['nothing plausible', 'ZZZ', ['REDIS_HOST', 'API_URL'], undefined, []],
    ['no candidates', 'KEY', [], undefined, []],
    ['at most 3 by default, ties in candidate order', 'KEY_A', ['KEY_E', 'KEY_B', 'KEY_C', 'KEY_D'], undefined, ['KEY_E', 'KEY_B', 'KEY_C']],
    ['max is honoured', 'KEY_A', ['KEY_B', 'KEY_C'], 1, ['KEY_B']],
    ['the target itself and duplicates are skipped', 'A_B', ['A_B', 'A_C', 'A_C'], undefined, ['A_C']],
    ['distance limit grows with length', 'AUTH_SERVICE_API_KE', ['AUTH_SERVICE_API_KEY', 'OFFERS_SERVICE_API_KEY'], undefined, ['AUTH_SERVICE_API_KEY', 'OFFERS_SERVICE_API_KEY']],
    ['short names allow 2 edits, not 3', 'abc', ['axx', 'xxx'], undefined, ['axx']],
  ])('%s', (_label, target, candidates, max, expected) => {
    expect(closestNames(target, candidates, max)).toEqual(expected);
  });
});
