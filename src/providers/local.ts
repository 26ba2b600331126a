import { failureError } from '../errors.js';
import type { StoreOptions } from './registry.js';
import type { SecretStore } from './secret-store.js';

// Placeholder until the local adapter lands.
// eslint-disable-next-line @typescript-eslint/require-await
export async function createLocalStore(_options: StoreOptions): Promise<SecretStore> {
  throw failureError('STORE_NOT_IMPLEMENTED', 'the local store is not implemented yet');
}
