import { assignDatabasePorts, type ProjectConfig } from './config.js';
import { buildDatabaseUrl } from './database-url.js';
import type { FrameworkResult } from './framework.js';
import {
  apiKeyName,
  closestNames,
  dbPasswordKey,
  dbUsernameKey,
  KEY_PATTERN,
  LEGACY_DB_KEY_PATTERN,
} from './naming.js';
import type { Warning } from './report.js';
import type { UserFileData } from './secrets-file.js';
import { databaseOwner } from './service-refs.js';

export interface UnknownReference {
  service: string;
  key: string;
  suggestions: string[];
  /** the section's API_KEY names no existing key (its value is not repeated anywhere) */
  isApiKey?: boolean;
}

export interface MergeResult {
  /** framework map with the user map over it: framework order first, then user-only keys */
  secrets: Map<string, string>;
  /** one flat section per configured service, references resolved */
  sections: Map<string, Map<string, string>>;
  /** per service, the keys it needs (SPEC §6.4) */
  secretMap: Map<string, string[]>;
  unknownReferences: UnknownReference[];
  warnings: Warning[];
}

/** Merges framework and user secrets into what services read at runtime (SPEC §6.1). */
export function mergeSecrets(
  config: ProjectConfig,
  framework: FrameworkResult,
  user: UserFileData,
): MergeResult {
  const secrets = new Map(framework.secrets);
  for (const [key, value] of user.secrets) secrets.set(key, value);
  const ports = assignDatabasePorts(config.services);
  const unknownReferences: UnknownReference[] = [];
  const legacyRefs = new Set<string>();
  const sections = new Map<string, Map<string, string>>();
  const secretMap = new Map<string, string[]>();

  for (const service of config.services) {
    const fw = framework.sections.get(service.name);
    const userSection = user.sections.get(service.name);
    const flat = new Map<string, string>();
    const port = userSection?.values.get('PORT') ?? fw?.PORT;
    if (port !== undefined) flat.set('PORT', port);

    const apiKey = resolveApiKey(
      userSection?.apiKey,
      fw?.API_KEY,
      secrets,
      apiKeyName(service.name),
    );
    if (apiKey.unknown !== undefined) {
      // The value may be a literal key that merely looks like a key name: never echo it.
      unknownReferences.push({
        service: service.name,
        key: 'API_KEY',
        suggestions: closestNames(apiKey.unknown, [...secrets.keys()]),
        isApiKey: true,
      });
    } else if (apiKey.value !== undefined) {
      flat.set('API_KEY', apiKey.value);
    }

    const owner = databaseOwner(config, service);
    const userUrl = userSection?.values.get('DATABASE_URL');
    if (userUrl !== undefined) flat.set('DATABASE_URL', userUrl);
    else if (owner) {
      flat.set(
        'DATABASE_URL',
        buildDatabaseUrl(
          owner.databaseType,
          secrets.get(dbUsernameKey(owner.name)) ?? '',
          secrets.get(dbPasswordKey(owner.name)) ?? '',
          ports.get(owner.name) ?? 0,
          owner.name,
        ),
      );
    }

    const refs = [...new Set([...(fw?.secrets ?? []), ...(userSection?.refs ?? [])])];
    const needed: string[] = [];
    for (const ref of refs) {
      const isLegacy = ref.includes('-') && LEGACY_DB_KEY_PATTERN.test(ref);
      const resolvedKey = isLegacy ? ref.replaceAll('-', '_') : ref;
      const value = secrets.get(resolvedKey);
      if (value === undefined) {
        if (!userSection?.values.has(ref))
          unknownReferences.push(unknown(service.name, ref, secrets));
        continue;
      }
      if (resolvedKey !== ref) {
        legacyRefs.add(ref);
        flat.set(ref, value);
      }
      flat.set(resolvedKey, value);
      needed.push(resolvedKey);
    }
    for (const [key, value] of userSection?.values ?? []) {
      if (key !== 'PORT' && key !== 'DATABASE_URL') flat.set(key, value);
    }
    if (flat.has('DATABASE_URL')) needed.push('DATABASE_URL');
    sections.set(service.name, flat);
    secretMap.set(service.name, [...new Set(needed)]);
  }

  const warnings: Warning[] = [...legacyRefs].map((ref) => ({
    code: 'LEGACY_REFERENCE',
    message: `.secrets.user.json references ${ref}, the original tool's name for ${ref.replaceAll('-', '_')}; it still works, but consider renaming it`,
  }));
  return { secrets, sections, secretMap, unknownReferences, warnings };
}

/**
 * A user `API_KEY` that looks like a key name is a reference to that key; any other string is a
 * literal. Without one, the alias takes the merged value of the service's own `<SVC>_API_KEY`, so a
 * user override of the key flows into the alias.
 */
function resolveApiKey(
  userApiKey: string | undefined,
  frameworkApiKey: string | undefined,
  secrets: Map<string, string>,
  ownKey: string,
): { value?: string; unknown?: string } {
  if (userApiKey !== undefined) {
    if (!KEY_PATTERN.test(userApiKey)) return { value: userApiKey };
    const value = secrets.get(userApiKey);
    return value === undefined ? { unknown: userApiKey } : { value };
  }
  if (frameworkApiKey === undefined) return {};
  return { value: secrets.get(ownKey) ?? frameworkApiKey };
}

function unknown(service: string, key: string, secrets: Map<string, string>): UnknownReference {
  return { service, key, suggestions: closestNames(key, [...secrets.keys()]) };
}
