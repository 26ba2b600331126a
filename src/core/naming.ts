import type { DatabaseType } from './config.js';

/** Keys users may write (SPEC §1): what a shell, dotenv and every cloud store can carry. */
export const KEY_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The original tool's database keys, which kept the service name's hyphens
 * (`DB_ORDER-HISTORY_PASSWORD`). Only names with at least one hyphen match: without one, the old
 * and the new name are the same key.
 */
export const LEGACY_DB_KEY_PATTERN = /^DB_[A-Z][A-Z0-9-]*-[A-Z0-9-]*_(?:USERNAME|PASSWORD)$/;

/** Keys beginning with `$` are metadata at any depth (SPEC §1). */
export function isMetadataKey(key: string): boolean {
  return key.startsWith('$');
}

/**
 * `auth-service` → `AUTH_SERVICE`. Every character that cannot appear in a key becomes one `_`
 * (no collapsing), as in the original tool, so `a--b` → `A__B` and the mapping stays one-to-one
 * on valid service and bucket names.
 */
export function screamingSnake(name: string): string {
  return name.replace(/[^A-Za-z0-9]/g, '_').toUpperCase();
}

function stripServiceSuffix(serviceName: string): string {
  return serviceName.replace(/-service$/, '');
}

/** `<P>` of SPEC §3: `user-management-service` → `USER_MANAGEMENT`, `auth` → `AUTH`. */
export function dbPrefix(serviceName: string): string {
  return screamingSnake(stripServiceSuffix(serviceName));
}

/** The original tool's `<P>`, hyphens kept: `order-history-service` → `ORDER-HISTORY`. */
export function legacyDbPrefix(serviceName: string): string {
  return stripServiceSuffix(serviceName).toUpperCase();
}

const MYSQL_MAX_USERNAME = 32;
const USERNAME_SUFFIX = '_user';

/**
 * `<p>_user` (`auth-service` → `auth_user`). MySQL usernames are limited to 32 characters, so for
 * `mysql` the `<p>` part is shortened (and a dangling `_` dropped) while `_user` is kept. Two long
 * names can then share a username; that is harmless, as each service has its own database server.
 */
export function dbUsername(serviceName: string, databaseType: DatabaseType): string {
  let prefix = dbPrefix(serviceName).toLowerCase();
  if (databaseType === 'mysql' && prefix.length + USERNAME_SUFFIX.length > MYSQL_MAX_USERNAME) {
    prefix = prefix.slice(0, MYSQL_MAX_USERNAME - USERNAME_SUFFIX.length).replace(/_+$/, '');
  }
  return prefix + USERNAME_SUFFIX;
}

export const apiKeyName = (serviceName: string): string => `${screamingSnake(serviceName)}_API_KEY`;
export const urlKeyName = (serviceName: string): string => `${screamingSnake(serviceName)}_URL`;
export const dbUsernameKey = (serviceName: string): string =>
  `DB_${dbPrefix(serviceName)}_USERNAME`;
export const dbPasswordKey = (serviceName: string): string =>
  `DB_${dbPrefix(serviceName)}_PASSWORD`;
export const legacyDbUsernameKey = (serviceName: string): string =>
  `DB_${legacyDbPrefix(serviceName)}_USERNAME`;
export const legacyDbPasswordKey = (serviceName: string): string =>
  `DB_${legacyDbPrefix(serviceName)}_PASSWORD`;
export const bucketKeyName = (bucket: string): string => `STORAGE_BUCKET_${screamingSnake(bucket)}`;
/** Root `.env` variable for Docker Compose (SPEC §7): `auth-service` → `AUTH_DB_USER`. */
export const dbUserEnvName = (serviceName: string): string => `${dbPrefix(serviceName)}_DB_USER`;
/** Root `.env` variable for Docker Compose (SPEC §7): `auth-service` → `AUTH_DB_PASSWORD`. */
export const dbPasswordEnvName = (serviceName: string): string =>
  `${dbPrefix(serviceName)}_DB_PASSWORD`;

/**
 * The current key an old hyphenated DB key migrates to: `DB_ORDER-HISTORY_PASSWORD` →
 * `DB_ORDER_HISTORY_PASSWORD`. Exact because `screamingSnake` maps each `-` to one `_`.
 */
export function currentKeyForLegacyDbKey(legacyKey: string): string {
  return legacyKey.replace(/-/g, '_');
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/**
 * Up to `max` candidates that plausibly are what `target` meant, closest first (for "did you
 * mean"). Compared case-insensitively (case-sensitive distance breaks ties, then candidate order).
 * A candidate qualifies when its edit distance is at most max(2, 40% of the target's length), or
 * when one name (4+ characters) contains the other — so `DOMAIN` finds `EMAIL_DOMAIN`.
 * Unrelated names are not suggested, so the result may be empty. The target itself is skipped.
 */
export function closestNames(target: string, candidates: Iterable<string>, max = 3): string[] {
  const folded = target.toUpperCase();
  const limit = Math.max(2, Math.floor(folded.length * 0.4));
  const scored: { name: string; distance: number; exact: number; order: number }[] = [];
  const seen = new Set<string>([target]);
  let order = 0;
  for (const name of candidates) {
    if (seen.has(name)) continue;
    seen.add(name);
    const other = name.toUpperCase();
    const distance = editDistance(folded, other);
    const [shorter, longer] = other.length < folded.length ? [other, folded] : [folded, other];
    const contains = shorter.length >= 4 && longer.includes(shorter);
    if (distance <= limit || contains) {
      scored.push({ name, distance, exact: editDistance(target, name), order: order++ });
    }
  }
  scored.sort((x, y) => x.distance - y.distance || x.exact - y.exact || x.order - y.order);
  return scored.slice(0, max).map((s) => s.name);
}
