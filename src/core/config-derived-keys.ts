import {
  apiKeyName,
  bucketKeyName,
  dbPasswordEnvName,
  dbPasswordKey,
  dbUserEnvName,
  dbUsernameKey,
  urlKeyName,
} from './naming.js';
import { BACKEND_TYPES } from './config-schema.js';
import type { Bucket, Entry, Found, Segment } from './config-checks.js';

/** Every fixed framework key of SPEC §3, conditional ones included. */
export const FIXED_FRAMEWORK_KEYS: readonly string[] = [
  'NODE_ENV', 'SECRETS_PROVIDER', 'LOG_LEVEL', 'KONG_TRUST_TOKEN',
  'REDIS_HOST', 'REDIS_PORT', 'REDIS_PASSWORD', 'REDIS_TLS', 'KONG_SSL_VERIFY', 'KONG_INTERNAL_URL',
  'JWT_PRIVATE_KEY_CURRENT', 'JWT_PUBLIC_KEY_CURRENT', 'JWT_KEY_ID_CURRENT',
  'JWT_PRIVATE_KEY_PREVIOUS', 'JWT_PUBLIC_KEY_PREVIOUS', 'JWT_KEY_ID_PREVIOUS',
  'REFRESH_TOKEN_SECRET', 'BCRYPT_ROUNDS',
  'STORAGE_ENDPOINT', 'STORAGE_ACCESS_KEY', 'STORAGE_SECRET_KEY', 'STORAGE_FORCE_PATH_STYLE',
]; // prettier-ignore

/** The keys of a new user file's `secrets` (SPEC §5). */
export const DEFAULT_USER_KEYS: readonly string[] = [
  'DOMAIN', 'APP_URL', 'API_URL', 'KONG_SERVICE_HOST',
  'ACCESS_TOKEN_TTL', 'REFRESH_TOKEN_TTL', 'CONFIRMATION_TOKEN_TTL',
  'RESEND_API_KEY', 'EMAIL_FROM', 'EMAIL_PROVIDER', 'KONG_CORS_ORIGINS',
]; // prettier-ignore

/** Keys every service section has of its own (SPEC §4); a top-level key of the same name would shadow them. */
export const SECTION_KEYS: readonly string[] = ['PORT', 'API_KEY', 'DATABASE_URL'];

const RESERVED_KEYS = new Map<string, string>([
  ...FIXED_FRAMEWORK_KEYS.map((key) => [key, 'a framework secret'] as const),
  ...DEFAULT_USER_KEYS.map((key) => [key, 'a default user secret'] as const),
  ...SECTION_KEYS.map((key) => [key, "a key of each service's own section"] as const),
]);

interface KeySource {
  at: Segment[];
  name: string;
  label: string;
  noun: 'service' | 'bucket';
  keys: string[];
}

function listed(keys: string[]): string {
  return keys.length === 1 ? (keys[0] ?? '') : `${keys.slice(0, -1).join(', ')} and ${keys.at(-1)}`;
}

/** Every top-level key a service or bucket derives (SPEC §3) and the root `.env` names (§7): one namespace. */
export function checkDerivedKeys(entries: Entry[], buckets: Bucket[], issues: Found[]): void {
  const sources: KeySource[] = [];
  for (const { index, name, named, type, hasDatabase, label } of entries) {
    if (name === undefined || !named || type === undefined) continue;
    const backend = BACKEND_TYPES.includes(type);
    const keys = [
      ...(backend || type === 'worker' ? [apiKeyName(name)] : []),
      ...(backend ? [urlKeyName(name)] : []),
      ...(hasDatabase
        ? [dbUsernameKey(name), dbPasswordKey(name), dbUserEnvName(name), dbPasswordEnvName(name)]
        : []),
    ];
    sources.push({ at: ['services', index, 'name'], name, label, noun: 'service', keys });
  }
  for (const { index, name } of buckets) {
    const label = `storage.buckets[${index}] ("${name}")`;
    sources.push({
      at: ['storage', 'buckets', index],
      name,
      label,
      noun: 'bucket',
      keys: [bucketKeyName(name)],
    });
  }
  const owners = new Map<string, KeySource>();
  for (const source of sources) {
    const shared = new Map<KeySource, string[]>();
    for (const key of source.keys) {
      const reserved = RESERVED_KEYS.get(key);
      const owner = owners.get(key);
      if (reserved !== undefined) {
        issues.push({
          at: source.at,
          message: `"${source.name}" derives ${key}, which is ${reserved}; rename the ${source.noun}`,
        });
      } else if (owner === undefined) owners.set(key, source);
      else shared.set(owner, [...(shared.get(owner) ?? []), key]);
    }
    for (const [owner, keys] of shared) {
      issues.push({
        at: source.at,
        message: `"${source.name}" derives ${listed(keys)}, which ${owner.label} derives too; rename one of them`,
      });
    }
  }
}
