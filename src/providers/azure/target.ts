import { usageError } from '../../errors.js';
import type { StoreOptions } from '../registry.js';

/** Where the Azure store connects and how it authenticates, resolved before the SDK is loaded. */
export interface AzureTarget {
  /** scheme and host (and any path), no trailing slash */
  vaultUrl: string;
  /** the first host label, for `az` hints */
  vaultName: string;
  /** 127.0.0.0/8, ::1 or localhost: an emulator or a test server */
  loopback: boolean;
  credential:
    | { kind: 'client-secret'; tenantId: string; clientId: string; clientSecret: string }
    | { kind: 'default' };
}

const CREDENTIALS_FILE = '.tsdevstack/.credentials.azure.json';
/** Key Vault names: 3–24 letters, digits and hyphens. */
const VAULT_NAME = /^[A-Za-z0-9-]{3,24}$/;

/**
 * The vault: `AZURE_KEYVAULT_URL`, else `AZURE_KEYVAULT_NAME`, else the credentials entry's
 * `vaultUrl` or `vaultName` (endpoint variables override the file, SPEC §9.3). Plain http only for
 * loopback addresses. The credential: the entry's service principal, else DefaultAzureCredential.
 */
export function resolveAzureTarget(options: StoreOptions): AzureTarget {
  const entry = options.credentials ?? {};
  const inFile = (field: string): string => `${field} of "${options.env}" in ${CREDENTIALS_FILE}`;
  const text = (value: unknown): string | undefined =>
    typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;

  const sources: { label: string; url?: string; name?: string }[] = [
    { label: 'AZURE_KEYVAULT_URL', url: text(options.processEnv.AZURE_KEYVAULT_URL) },
    { label: 'AZURE_KEYVAULT_NAME', name: text(options.processEnv.AZURE_KEYVAULT_NAME) },
    { label: inFile('vaultUrl'), url: text(entry.vaultUrl) },
    { label: inFile('vaultName'), name: text(entry.vaultName) },
  ];
  const source = sources.find((s) => s.url !== undefined || s.name !== undefined);
  if (!source) {
    throw usageError(
      'AZURE_VAULT_MISSING',
      `no Azure Key Vault is configured for environment "${options.env}"`,
      `Set vaultName or vaultUrl for "${options.env}" in ${CREDENTIALS_FILE}, or AZURE_KEYVAULT_NAME / AZURE_KEYVAULT_URL.`,
    );
  }
  if (source.name !== undefined && !VAULT_NAME.test(source.name)) {
    throw usageError(
      'AZURE_VAULT_INVALID',
      `${source.label} is not a Key Vault name (3–24 letters, digits and hyphens)`,
      'Give the vault name (the part before .vault.azure.net), or its full https:// URL as the vault URL.',
    );
  }
  const raw = source.url ?? `https://${source.name ?? ''}.vault.azure.net`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw usageError('AZURE_VAULT_INVALID', `${source.label} is not a URL: ${raw}`);
  }
  const loopback = isLoopback(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw usageError(
      'INSECURE_ENDPOINT',
      `${source.label} is ${url.origin}: only https:// vault URLs are accepted (plain http only for loopback addresses)`,
      'Use the vault URL shown in the Azure portal, e.g. https://my-vault.vault.azure.net.',
    );
  }

  return {
    vaultUrl: `${url.origin}${url.pathname.replace(/\/+$/, '')}`,
    vaultName: url.hostname.split('.')[0] ?? url.hostname,
    loopback,
    credential: servicePrincipal(entry, inFile) ?? { kind: 'default' },
  };
}

function servicePrincipal(
  entry: Record<string, unknown>,
  inFile: (field: string) => string,
): AzureTarget['credential'] | undefined {
  const fields = ['tenantId', 'clientId', 'clientSecret'] as const;
  const present = fields.filter((f) => typeof entry[f] === 'string' && entry[f] !== '');
  if (present.length === 0) return undefined;
  const missing = fields.filter((f) => !present.includes(f));
  if (missing.length > 0) {
    throw usageError(
      'AZURE_CREDENTIALS_INCOMPLETE',
      `${missing.map(inFile).join(', ')}: missing (a service principal needs tenantId, clientId and clientSecret)`,
      'Add the missing fields, or remove the service principal fields to use DefaultAzureCredential.',
    );
  }
  return {
    kind: 'client-secret',
    tenantId: entry.tenantId as string,
    clientId: entry.clientId as string,
    clientSecret: entry.clientSecret as string,
  };
}

function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}
