import * as z from 'zod/mini';
import type { ProviderName } from '../../providers/secret-store.js';
import { ENV_NAME_PATTERN } from './environment.js';

export type CloudProvider = Exclude<ProviderName, 'local'>;

/** `.tsdevstack/.credentials.<provider>.json`, an object keyed by environment (SPEC §9.3). */
export function credentialsFile(provider: CloudProvider): string {
  return `.tsdevstack/.credentials.${provider}.json`;
}

/** Every environment's entry, validated; unknown fields kept (a GCP key file has many). */
export type CredentialEntries = Map<string, Record<string, unknown>>;

export type CredentialsResult =
  { ok: true; entries: CredentialEntries } | { ok: false; issues: string[] };

// Messages never quote the input: these fields hold secrets.
const says = (invalid: string, missing = 'required') => ({
  error: (issue: { input?: unknown }) => (issue.input === undefined ? missing : invalid),
});
const text = (what: string) =>
  z
    .string(says(`must be a string: ${what}`, `required: ${what}`))
    .check(z.minLength(1, `must not be empty: ${what}`));
const pattern = (what: string, regex: RegExp, rule: string) =>
  text(what).check(z.regex(regex, `must be ${rule}`));

const ENDPOINT_RULE =
  'an https:// URL (plain http:// only for a loopback address, e.g. http://127.0.0.1:8080)';
const endpoint = (what: string) =>
  z.optional(text(what).check(z.refine(isAllowedEndpoint, `must be ${ENDPOINT_RULE}`)));
const region = pattern(
  'the region, e.g. "europe-west1"',
  /^[a-z0-9-]+$/,
  'a region name such as "europe-west1"',
);
const GUID = /^[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$/;

const SCHEMAS: Record<CloudProvider, z.ZodMiniType<Record<string, unknown>>> = {
  // The service-account key JSON as downloaded, plus region (and an optional endpoint).
  gcp: z.looseObject({
    type: z.literal(
      'service_account',
      says('must be "service_account": paste the key file as downloaded from the console'),
    ),
    project_id: text('the Google Cloud project id of the key file'),
    client_email: text('the service account e-mail of the key file'),
    private_key: pattern(
      'the PEM private key of the key file',
      /^-----BEGIN [A-Z ]*PRIVATE KEY-----/,
      'the PEM private key of the key file, as downloaded',
    ),
    region,
    endpoint: endpoint('the Secret Manager endpoint'),
  }),
  aws: z.looseObject({
    accessKeyId: pattern('the access key id', /^\S+$/, 'an access key id without spaces'),
    secretAccessKey: text('the secret access key'),
    sessionToken: z.optional(text('the session token, or leave the field out')),
    region: pattern(
      'the region, e.g. "eu-west-1"',
      /^[a-z0-9-]+$/,
      'a region name such as "eu-west-1"',
    ),
    accountId: pattern('the 12-digit account id', /^\d{12}$/, 'the 12-digit AWS account id'),
    endpoint: endpoint('the Secrets Manager endpoint'),
  }),
  azure: z.looseObject({
    clientId: pattern('the application (client) id', GUID, 'a GUID (the application id)'),
    clientSecret: text('the client secret'),
    tenantId: pattern('the directory (tenant) id', /^[A-Za-z0-9.-]+$/, 'the tenant GUID or domain'),
    subscriptionId: pattern('the subscription id', GUID, 'a GUID (the subscription id)'),
    vaultName: z.optional(
      pattern(
        'the Key Vault name',
        /^[A-Za-z][A-Za-z0-9-]{1,22}[A-Za-z0-9]$/,
        'a Key Vault name: 3-24 letters, digits and "-", starting with a letter',
      ),
    ),
    vaultUrl: endpoint('the Key Vault URL'),
  }),
};

/** Where each provider keeps the account that isolates one environment from another. */
const TARGET_FIELDS: Record<CloudProvider, { field: string; label: string }> = {
  gcp: { field: 'project_id', label: 'GCP project id' },
  aws: { field: 'accountId', label: 'AWS account id' },
  azure: { field: 'subscriptionId', label: 'Azure subscription id' },
};

/**
 * Validates a whole credentials file (already JSON-parsed). Issues name the environment and the
 * field (`prod.accountId: must be the 12-digit AWS account id`), never a value. `$` keys are
 * metadata.
 */
export function parseCredentials(provider: CloudProvider, raw: unknown): CredentialsResult {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, issues: ['must be a JSON object keyed by environment name'] };
  }
  const record = raw as Record<string, unknown>;
  if (provider === 'gcp' && record.type === 'service_account') {
    return {
      ok: false,
      issues: [
        'holds a bare key file: nest it under an environment name, e.g. { "dev": { ...the key file..., "region": "europe-west1" } }',
      ],
    };
  }
  const issues: string[] = [];
  const entries: CredentialEntries = new Map();
  for (const [env, value] of Object.entries(record)) {
    if (env.startsWith('$')) continue;
    const label = /^[A-Za-z0-9_-]+$/.test(env) ? env : JSON.stringify(env);
    if (!ENV_NAME_PATTERN.test(env)) {
      issues.push(
        `${label}: environment names must match ${String(ENV_NAME_PATTERN)} (lowercase letters, digits and "-", starting with a letter, at most 31 characters)`,
      );
      continue;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      issues.push(`${label}: must be an object of credentials`);
      continue;
    }
    const result = SCHEMAS[provider].safeParse(value);
    if (!result.success) {
      for (const issue of result.error.issues) {
        issues.push(`${label}.${issue.path.map(String).join('.')}: ${issue.message}`);
      }
      continue;
    }
    const entry = result.data;
    if (provider === 'azure' && entry.vaultName === undefined && entry.vaultUrl === undefined) {
      issues.push(`${label}.vaultName: required: the Key Vault name (or give vaultUrl)`);
      continue;
    }
    entries.set(env, entry);
  }
  return issues.length > 0 ? { ok: false, issues } : { ok: true, entries };
}

/**
 * Environments must not share a cloud account (SPEC §9.3): one line per project id / account id /
 * subscription id used by two or more environments, naming them. Azure GUIDs compare
 * case-insensitively.
 */
export function findSharedTargets(provider: CloudProvider, entries: CredentialEntries): string[] {
  const { field, label } = TARGET_FIELDS[provider];
  const users = new Map<string, string[]>();
  for (const [env, entry] of entries) {
    const target = entry[field];
    if (typeof target !== 'string') continue;
    const id = provider === 'azure' ? target.toLowerCase() : target;
    users.set(id, [...(users.get(id) ?? []), env]);
  }
  return [...users]
    .filter(([, envs]) => envs.length > 1)
    .map(([id, envs]) => `${label} ${id} is used by ${envs.join(', ')}`);
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/** https anywhere; plain http only on a loopback address (SPEC §9.1). */
export function isAllowedEndpoint(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.protocol === 'https:') return true;
  return (
    url.protocol === 'http:' &&
    (LOOPBACK.has(url.hostname) || /^127\.\d+\.\d+\.\d+$/.test(url.hostname))
  );
}
