import { createRequire } from 'node:module';
import type * as Identity from '@azure/identity';
import type * as KeyVault from '@azure/keyvault-secrets';
import { importSdk } from '../registry.js';

export interface AzureSdk {
  keyVault: typeof KeyVault;
  identity: typeof Identity;
}

export type SecretClient = KeyVault.SecretClient;
export type TokenCredential = ConstructorParameters<typeof KeyVault.SecretClient>[1];

/**
 * Both packages through their CommonJS builds. `@azure/identity`'s ESM build loads about twice as
 * slowly (research §6), and loading one package as ESM and the other as CommonJS loads every
 * `@azure/core-*` dependency twice. Measured on the bundled adapter (medians of 15): opening the
 * store 243 ms and through the first request 320 ms with CommonJS, against 378 ms and 430 ms with
 * `import()`. The credential is always needed (a service principal or the default chain), so
 * both load together.
 */
export function loadAzureSdk(): Promise<AzureSdk> {
  return importSdk('azure', () =>
    Promise.resolve().then(() => {
      const requireCjs = createRequire(import.meta.url);
      return {
        keyVault: requireCjs('@azure/keyvault-secrets') as typeof KeyVault,
        identity: requireCjs('@azure/identity') as typeof Identity,
      };
    }),
  );
}
