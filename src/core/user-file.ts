import { isBackend, isFrontend, type ProjectConfig, type ServiceConfig } from './config.js';
import { isMetadataKey, KEY_PATTERN } from './naming.js';
import type { Warning } from './report.js';
import type { UserFileData, UserSection } from './secrets-file.js';
import { AUTH_SERVICE_NAME } from './service-refs.js';

export const USER_FILE_COMMENT =
  'Your secrets. Edit freely, then run: npx tsdevstack generate-secrets';

const TTL_DEFAULTS: ReadonlyArray<readonly [string, string]> = [
  ['ACCESS_TOKEN_TTL', '900'],
  ['REFRESH_TOKEN_TTL', '604800'],
  ['CONFIRMATION_TOKEN_TTL', '86400'],
];

/** The default `secrets` map of a new user file (SPEC §5). */
export function defaultUserSecrets(config: ProjectConfig): Array<[string, string]> {
  const frontendPorts = config.services
    .filter(isFrontend)
    .map((s) => `http://localhost:${String(s.port)}`);
  return [
    ['DOMAIN', ''],
    ['APP_URL', 'http://localhost:3000'],
    ['API_URL', 'http://localhost:8000'],
    ['KONG_SERVICE_HOST', 'http://host.docker.internal'],
    ...TTL_DEFAULTS.map(([k, v]): [string, string] => [k, v]),
    ['RESEND_API_KEY', ''],
    ['EMAIL_FROM', 'noreply@example.com'],
    ['EMAIL_PROVIDER', 'console'],
    ...(frontendPorts.length > 0
      ? [['KONG_CORS_ORIGINS', frontendPorts.join(',')] as [string, string]]
      : []),
  ];
}

/** The default reference list of a service's user section (SPEC §5). */
export function defaultUserRefs(config: ProjectConfig, service: ServiceConfig): string[] {
  if (service.type === 'nextjs') return ['API_URL', 'ACCESS_TOKEN_TTL', 'REFRESH_TOKEN_TTL'];
  if (service.type === 'spa') return ['API_URL'];
  if (isBackend(service) && config.authTemplate && service.name === AUTH_SERVICE_NAME) {
    return ['ACCESS_TOKEN_TTL', 'REFRESH_TOKEN_TTL', 'CONFIRMATION_TOKEN_TTL', 'APP_URL'];
  }
  return [];
}

/** The whole content of a user file created from nothing. */
export function createUserFileValue(config: ProjectConfig): Record<string, unknown> {
  const value: Record<string, unknown> = {
    $comment: USER_FILE_COMMENT,
    secrets: Object.fromEntries(defaultUserSecrets(config)),
  };
  for (const service of config.services)
    value[service.name] = { secrets: defaultUserRefs(config, service) };
  return value;
}

/** What a sync changes in an existing user file; applied as text edits so formatting survives. */
export interface UserFileSync {
  /** members to add to the top-level `secrets` object (or the whole `secrets` member when absent) */
  addSecrets: Array<[string, string]>;
  hasSecretsObject: boolean;
  /** new sections to append at the top level */
  addSections: Array<[string, { secrets: string[] }]>;
  /** sections to delete (only with --prune) */
  removeSections: string[];
  warnings: Warning[];
  /** the user data after the sync, for merging */
  data: UserFileData;
}

/**
 * Non-destructive sync (SPEC §5): adds a section for each service without one and the TTL
 * defaults; never edits an existing section. Sections of services that left the config are kept
 * and reported, unless pruning.
 */
export function syncUserFile(
  config: ProjectConfig,
  user: UserFileData,
  raw: Record<string, unknown>,
  prune: boolean,
): UserFileSync {
  const secrets = new Map(user.secrets);
  const sections = new Map<string, UserSection>(user.sections);
  const addSections: Array<[string, { secrets: string[] }]> = [];
  for (const service of config.services) {
    if (sections.has(service.name)) continue;
    const refs = defaultUserRefs(config, service);
    sections.set(service.name, { refs, hasRefList: true, values: new Map(), apiKey: undefined });
    addSections.push([service.name, { secrets: refs }]);
  }
  // The TTLs always (auth references need them), and any default a newly added section refers
  // to, so that the sections the CLI writes never point at a key that is not there.
  const needed = new Set([
    ...TTL_DEFAULTS.map(([key]) => key),
    ...addSections.flatMap(([, section]) => section.secrets),
  ]);
  const defaults = new Map(defaultUserSecrets(config));
  const addSecrets: Array<[string, string]> = [];
  for (const key of needed) {
    const value = defaults.get(key);
    if (value !== undefined && !secrets.has(key)) {
      secrets.set(key, value);
      addSecrets.push([key, value]);
    }
  }
  const configured = new Set(config.services.map((s) => s.name));
  const orphans = [...user.sections.keys()].filter((name) => !configured.has(name));
  const warnings: Warning[] = [];
  if (prune) {
    for (const name of orphans) sections.delete(name);
  } else if (orphans.length > 0) {
    warnings.push({
      code: 'USER_SECTION_ORPHANED',
      message: `.secrets.user.json has sections for services not in the config: ${orphans.join(', ')} (kept and ignored; --prune removes them)`,
    });
  }
  return {
    addSecrets,
    hasSecretsObject: typeof raw.secrets === 'object' && raw.secrets !== null,
    addSections,
    removeSections: prune ? orphans : [],
    warnings,
    data: { secrets, sections },
  };
}

/**
 * `.secrets.user.example.json`: the synced user file with every string value blanked, at any
 * depth, except `$` metadata and a section's `API_KEY` reference; reference lists stay (SPEC §6.3).
 */
export function blankUserFile(
  value: Record<string, unknown>,
  /** true for names of keys that exist: only a real reference is kept, never a lookalike value */
  isKnownKey: (name: string) => boolean,
): Record<string, unknown> {
  return mapMembers(value, (key, member) => {
    if (
      key === 'secrets' ||
      typeof member !== 'object' ||
      member === null ||
      Array.isArray(member)
    ) {
      return blankDeep(member);
    }
    return mapMembers(member as Record<string, unknown>, (sectionKey, item) => {
      if (sectionKey === 'secrets' && Array.isArray(item)) return item as unknown[];
      if (
        sectionKey === 'API_KEY' &&
        typeof item === 'string' &&
        KEY_PATTERN.test(item) &&
        isKnownKey(item)
      ) {
        return item;
      }
      return blankDeep(item);
    });
  });
}

function blankDeep(value: unknown): unknown {
  if (typeof value === 'string') return '';
  if (Array.isArray(value)) return value.map(blankDeep);
  if (typeof value !== 'object' || value === null) return value;
  return mapMembers(value as Record<string, unknown>, (_key, item) => blankDeep(item));
}

/** Maps an object's members, leaving `$` metadata untouched; `__proto__` stays an own property. */
function mapMembers(
  value: Record<string, unknown>,
  map: (key: string, member: unknown) => unknown,
): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(value).map(([key, member]) => [
      key,
      isMetadataKey(key) ? member : map(key, member),
    ]),
  );
}
