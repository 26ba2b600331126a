import { failureError } from '../errors.js';
import type { RetryPolicy } from '../io/retry.js';
import type { ProviderName, SecretStore } from './secret-store.js';

/** What every adapter is built from; the command resolves all of it before opening a store. */
export interface StoreOptions {
  /** `project.name`: the first part of every cloud secret name */
  project: string;
  /** the environment, e.g. `dev`, `prod` */
  env: string;
  /** the project root (the local store lives under it) */
  root: string;
  /**
   * This environment's entry of `.tsdevstack/.credentials.<provider>.json`, already validated;
   * undefined means: use the SDK's default credential chain with the target from `processEnv`.
   */
  credentials: Record<string, unknown> | undefined;
  /** the process environment (endpoint overrides, default-chain targets) */
  processEnv: Readonly<Record<string, string | undefined>>;
  retry: RetryPolicy;
}

type StoreFactory = (options: StoreOptions) => Promise<SecretStore>;

/**
 * The one place that maps a provider name to its adapter. Adapters are imported lazily, and each
 * imports its SDK lazily, so a command that needs no cloud (generate-secrets) loads none.
 */
const FACTORIES: Record<ProviderName, () => Promise<StoreFactory>> = {
  local: async () => (await import('./local.js')).createLocalStore,
  gcp: async () => (await import('./gcp.js')).createGcpStore,
  aws: async () => (await import('./aws.js')).createAwsStore,
  azure: async () => (await import('./azure.js')).createAzureStore,
};

export async function openStore(
  provider: ProviderName,
  options: StoreOptions,
): Promise<SecretStore> {
  const factory = await FACTORIES[provider]();
  return factory(options);
}

/** The npm packages each provider needs, named in the "missing SDK" error. */
export const SDK_PACKAGES: Record<Exclude<ProviderName, 'local'>, string[]> = {
  gcp: ['@google-cloud/secret-manager@^6'],
  aws: ['@aws-sdk/client-secrets-manager@^3'],
  azure: ['@azure/keyvault-secrets@~4.11.2', '@azure/identity@~4.13.1'],
};

/**
 * `import(pkg)` for an optional peer dependency: a missing package is exit 3 with the exact
 * install command, not a module-resolution stack trace.
 */
export async function importSdk<T>(
  provider: Exclude<ProviderName, 'local'>,
  load: () => Promise<T>,
): Promise<T> {
  try {
    return await load();
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      const packages = SDK_PACKAGES[provider];
      throw failureError(
        'SDK_MISSING',
        `the ${provider} store needs ${packages.join(' and ')}, which is not installed`,
        `Run: npm install --save-dev ${packages.join(' ')}`,
        error,
      );
    }
    throw error;
  }
}
