import { usageError } from '../errors.js';
import type { ProviderName, SecretRef } from '../providers/secret-store.js';

/** Metadata tag names, the original tool's, so that its secrets stay visible (SPEC §9.2). */
export const TAG_PROJECT = 'project-name';
export const TAG_SCOPE = 'service-name';
export const TAG_MANAGED_BY = 'managed-by';
export const TAG_KIND = 'secret-type';
export const TAG_ORIGINAL_KEY = 'original-key';
export const MANAGED_BY = 'tsdevstack';
export const SHARED_SCOPE = 'shared';

export interface ProviderLimits {
  namePattern: RegExp;
  maxNameLength: number;
  maxValueBytes: number;
}

export const PROVIDER_LIMITS: Record<ProviderName, ProviderLimits> = {
  gcp: { namePattern: /^[A-Za-z0-9_-]+$/, maxNameLength: 255, maxValueBytes: 65_536 },
  // AWS allows 512, but names in batch output are documented up to 256: stay under both.
  aws: { namePattern: /^[A-Za-z0-9/_+=.@-]+$/, maxNameLength: 256, maxValueBytes: 65_536 },
  azure: { namePattern: /^[0-9A-Za-z-]+$/, maxNameLength: 127, maxValueBytes: 25_000 },
  local: { namePattern: /^[A-Za-z0-9_-]+$/, maxNameLength: 255, maxValueBytes: 65_536 },
};

/**
 * `{project}-{scope}-{KEY}`; Azure allows only letters, digits and `-` (and compares names
 * case-insensitively), so there the KEY part maps `_` to `-` and the original key lives in a tag.
 */
export function cloudSecretName(provider: ProviderName, project: string, ref: SecretRef): string {
  const key = provider === 'azure' ? ref.key.replaceAll('_', '-') : ref.key;
  return `${project}-${ref.scope}-${key}`;
}

/**
 * The key and scope of a managed secret made by the original tool (no `original-key` tag): the
 * known `{project}-{scope}-` prefix removed, and on Azure `-` back to `_`. Never by splitting on
 * `-`: keys and scopes both contain hyphens.
 */
export function refFromLegacyName(
  provider: ProviderName,
  project: string,
  scope: string,
  name: string,
): SecretRef | undefined {
  const prefix = `${project}-${scope}-`;
  if (!name.toLowerCase().startsWith(prefix.toLowerCase())) return undefined;
  const rest = name.slice(prefix.length);
  return { scope, key: provider === 'azure' ? rest.replaceAll('-', '_') : rest };
}

/** Why a name or value cannot be stored by this provider, checked before any request; or undefined. */
export function checkSecretLimits(
  provider: ProviderName,
  name: string,
  value: string | undefined,
): string | undefined {
  const limits = PROVIDER_LIMITS[provider];
  if (name.length > limits.maxNameLength) {
    return `the ${provider} secret name ${name} is ${String(name.length)} characters; the limit is ${String(limits.maxNameLength)}`;
  }
  if (!limits.namePattern.test(name)) {
    return `the ${provider} secret name ${name} has characters ${provider} does not allow (${String(limits.namePattern)})`;
  }
  if (value === undefined) return undefined;
  if (value === '')
    return 'the value is empty; an empty secret is never stored (it would read as missing)';
  const bytes = new TextEncoder().encode(value).length;
  if (bytes > limits.maxValueBytes) {
    return `the value is ${String(bytes)} bytes; ${provider} stores at most ${String(limits.maxValueBytes)}`;
  }
  return undefined;
}

/**
 * Keys that would map to one Azure name (compared case-insensitively): an error before any
 * write, naming each group.
 */
export function findAzureCollisions(refs: readonly SecretRef[], project: string): string[][] {
  const groups = new Map<string, Set<string>>();
  for (const ref of refs) {
    const name = cloudSecretName('azure', project, ref).toLowerCase();
    const group = groups.get(name) ?? new Set<string>();
    group.add(`${ref.scope}/${ref.key}`);
    groups.set(name, group);
  }
  return [...groups.values()].filter((g) => g.size > 1).map((g) => [...g].sort());
}

/** The metadata stored on every secret (tag / label values), SPEC §9.2. */
export function secretMetadata(
  project: string,
  ref: SecretRef,
  kind: 'framework' | 'user',
): Record<string, string> {
  return {
    [TAG_PROJECT]: project,
    [TAG_SCOPE]: ref.scope,
    [TAG_MANAGED_BY]: MANAGED_BY,
    [TAG_KIND]: kind,
    [TAG_ORIGINAL_KEY]: ref.key,
  };
}

/**
 * Throws the refusal every store and command uses for a name or value the provider cannot take
 * (exit 2, before any request): NAME_INVALID, VALUE_EMPTY or VALUE_TOO_LARGE. Never shows the value.
 */
export function assertSecretLimits(
  provider: ProviderName,
  ref: SecretRef,
  name: string,
  value?: string,
): void {
  const nameProblem = checkSecretLimits(provider, name, undefined);
  if (nameProblem !== undefined) {
    throw usageError(
      'NAME_INVALID',
      `${ref.scope}/${ref.key}: ${nameProblem}`,
      `The cloud name is {project}-{scope}-{KEY}; use a shorter key, service or project name.`,
    );
  }
  if (value === undefined) return;
  const valueProblem = checkSecretLimits(provider, name, value);
  if (valueProblem === undefined) return;
  throw value === ''
    ? usageError(
        'VALUE_EMPTY',
        `${ref.scope}/${ref.key}: ${valueProblem}`,
        'Give a value; to delete the secret, use cloud-secrets:remove.',
      )
    : usageError(
        'VALUE_TOO_LARGE',
        `${ref.scope}/${ref.key}: ${valueProblem}`,
        `Store a smaller value (at most ${String(PROVIDER_LIMITS[provider].maxValueBytes)} bytes of UTF-8). Nothing was changed.`,
      );
}

/** The one refusal to replace a different stored value without --overwrite (exit 2). */
export function secretExistsError(ref: SecretRef, env: string) {
  return usageError(
    'SECRET_EXISTS',
    `${ref.scope}/${ref.key} already has a different value in environment "${env}"`,
    'Pass --overwrite to replace it.',
  );
}
