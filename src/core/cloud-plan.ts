import type { SecretRef } from '../providers/secret-store.js';
import { SHARED_SCOPE } from './cloud-naming.js';
import { FIXED_FRAMEWORK_KEYS, isBackend, type ProjectConfig } from './config.js';
import {
  apiKeyName,
  bucketKeyName,
  currentKeyForLegacyDbKey,
  dbPasswordKey,
  dbUsernameKey,
  isMetadataKey,
  KEY_PATTERN,
  LEGACY_DB_KEY_PATTERN,
  urlKeyName,
} from './naming.js';
import type { ShapeIssue, UserFileData } from './secrets-file.js';
import { servicesWithApiKey, STORAGE_FIXED_KEYS } from './service-refs.js';

/**
 * The shared planner of the cloud commands (STYLE "Plans"): which keys an environment needs,
 * which of them are there, and what is there that nothing needs. `diff` prints the plan;
 * `push` applies it.
 *
 * Scopes: every key of the secret map and of the user file's `secrets` map lives in the `shared`
 * scope — services read references to top-level keys, and the runtime looks in `shared` first.
 * The only service-specific values are a service's own section values: `DATABASE_URL`
 * (deployment-owned, so never needed) and the direct values a user writes into a service's
 * section of `.secrets.user.json` (`"offers-service": { "WEBHOOK_PATH": "/hooks" }`), which are
 * needed in that service's scope. `PORT` and `API_KEY` in a section are not secrets of their own:
 * the platform sets the port, and `API_KEY` is an alias of the shared `<SVC>_API_KEY`.
 */

/** Deployment-owned keys with fixed names (SPEC §9.4); the infrastructure sets them at deploy time. */
export const FIXED_DEPLOYMENT_OWNED_KEYS: readonly string[] = [
  'DATABASE_URL',
  'NODE_ENV',
  'LOG_LEVEL',
  'SECRETS_PROVIDER',
  'KONG_SSL_VERIFY',
  'KONG_INTERNAL_URL',
  'REDIS_HOST',
  'REDIS_PORT',
  'REDIS_PASSWORD',
  'REDIS_TLS',
  ...STORAGE_FIXED_KEYS,
];

/** Section keys that are not secrets of their own (see the module comment). */
const SECTION_ONLY_KEYS = new Set(['PORT', 'API_KEY', 'DATABASE_URL']);

/**
 * Every key the infrastructure sets at deploy time (SPEC §9.4): the fixed ones, the `<SVC>_URL`
 * of every backend, the database username and password of every database service, and the
 * `STORAGE_BUCKET_<B>` of every bucket (a `STORAGE_*` key of §3 whose local value names the
 * `-dev` bucket, so it cannot be copied to another environment). A user key is never
 * deployment-owned: {@link neededSecrets} keeps user keys whatever their name.
 */
export function deploymentOwnedKeys(config: ProjectConfig): Set<string> {
  return new Set([
    ...FIXED_DEPLOYMENT_OWNED_KEYS,
    ...config.services.filter(isBackend).map((s) => urlKeyName(s.name)),
    ...config.services
      .filter((s) => s.hasDatabase)
      .flatMap((s) => [dbUsernameKey(s.name), dbPasswordKey(s.name)]),
    ...config.buckets.map(bucketKeyName),
  ]);
}

/** `JWT_*_PREVIOUS`: they exist only after a rotation, so they are neither needed nor extra. */
export function isPreviousJwtKey(key: string): boolean {
  return /^JWT_.+_PREVIOUS$/.test(key);
}

/** Every key the framework generates for this config (SPEC §3); any other key is a user key. */
export function frameworkKeys(config: ProjectConfig): Set<string> {
  return new Set([
    ...FIXED_FRAMEWORK_KEYS,
    ...servicesWithApiKey(config).map((s) => apiKeyName(s.name)),
    ...config.services.filter(isBackend).map((s) => urlKeyName(s.name)),
    ...config.services
      .filter((s) => s.hasDatabase)
      .flatMap((s) => [dbUsernameKey(s.name), dbPasswordKey(s.name)]),
    ...config.buckets.map(bucketKeyName),
    'DATABASE_URL',
  ]);
}

export interface NeededInput {
  /** `.tsdevstack/secret-map.json`: per service, the keys it reads */
  secretMap: ReadonlyMap<string, readonly string[]>;
  /** `.secrets.user.json`, or undefined when there is none */
  user: UserFileData | undefined;
}

/**
 * The secrets an environment needs (SPEC §9.4): every key of the secret map and every user key,
 * minus the deployment-owned keys and `JWT_*_PREVIOUS`. Sections of services that are not in
 * the config are skipped (a stale secret map). Sorted with {@link compareRefs}, no duplicates.
 */
export function neededSecrets(config: ProjectConfig, input: NeededInput): SecretRef[] {
  const owned = deploymentOwnedKeys(config);
  const services = new Set(config.services.map((s) => s.name));
  const needed = new Map<string, SecretRef>();
  const add = (ref: SecretRef) => {
    if (!isPreviousJwtKey(ref.key)) needed.set(refId(ref), ref);
  };
  for (const [service, keys] of input.secretMap) {
    if (!services.has(service)) continue;
    for (const raw of keys) {
      const key = LEGACY_DB_KEY_PATTERN.test(raw) ? currentKeyForLegacyDbKey(raw) : raw;
      if (KEY_PATTERN.test(key) && !owned.has(key)) add({ key, scope: SHARED_SCOPE });
    }
  }
  for (const key of input.user?.secrets.keys() ?? []) add({ key, scope: SHARED_SCOPE });
  for (const [service, section] of input.user?.sections ?? []) {
    if (!services.has(service)) continue;
    for (const key of section.values.keys()) {
      if (!SECTION_ONLY_KEYS.has(key)) add({ key, scope: service });
    }
  }
  return sortRefs(needed.values());
}

export interface DiffPlan {
  /** needed and absent */
  missing: SecretRef[];
  /** present and neither needed, nor deployment-owned, nor `JWT_*_PREVIOUS` */
  extra: SecretRef[];
  /** needed and present */
  present: SecretRef[];
}

/**
 * Needed vs present, by scope and key. A deployment-owned key that is present is expected (the
 * infrastructure may have set it) and is not extra, whatever its scope.
 */
export function planDiff(
  needed: Iterable<SecretRef>,
  present: Iterable<SecretRef>,
  deploymentOwned: ReadonlySet<string>,
): DiffPlan {
  const neededById = new Map([...needed].map((ref) => [refId(ref), ref]));
  const presentById = new Map([...present].map((ref) => [refId(ref), ref]));
  const missing = [...neededById].filter(([id]) => !presentById.has(id)).map(([, ref]) => ref);
  const found = [...neededById].filter(([id]) => presentById.has(id)).map(([, ref]) => ref);
  const extra = [...presentById]
    .filter(
      ([id, ref]) =>
        !neededById.has(id) && !deploymentOwned.has(ref.key) && !isPreviousJwtKey(ref.key),
    )
    .map(([, ref]) => ref);
  return { missing: sortRefs(missing), extra: sortRefs(extra), present: sortRefs(found) };
}

/** The listing order of SPEC §9.4: the shared scope first, then by key, then by scope. */
export function compareRefs(a: SecretRef, b: SecretRef): number {
  const shared = Number(b.scope === SHARED_SCOPE) - Number(a.scope === SHARED_SCOPE);
  return shared || compareText(a.key, b.key) || compareText(a.scope, b.scope);
}

export function sortRefs<T extends SecretRef>(refs: Iterable<T>): T[] {
  return [...refs].sort(compareRefs);
}

/** Code-unit order: the same bytes on every machine, whatever its locale. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function refId(ref: SecretRef): string {
  return `${ref.scope}\u0000${ref.key}`;
}

/**
 * Reads `.tsdevstack/secret-map.json` (already JSON-parsed): `{ "<service>": ["KEY", ...] }`.
 * `$` keys are metadata. Issues name the JSON path, never a value.
 */
export function readSecretMap(
  raw: unknown,
): { ok: true; data: Map<string, string[]> } | { ok: false; issues: ShapeIssue[] } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, issues: [{ path: '', message: 'must be a JSON object of key lists' }] };
  }
  const issues: ShapeIssue[] = [];
  const data = new Map<string, string[]>();
  for (const [service, keys] of Object.entries(raw as Record<string, unknown>)) {
    if (isMetadataKey(service)) continue;
    const path = JSON.stringify(service);
    if (!Array.isArray(keys) || keys.some((key) => typeof key !== 'string')) {
      issues.push({ path, message: 'must be a list of key names' });
      continue;
    }
    data.set(service, keys as string[]);
  }
  return issues.length > 0 ? { ok: false, issues } : { ok: true, data };
}
