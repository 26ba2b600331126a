import { failureError } from '../errors.js';
import type { StoreOptions } from './registry.js';
import type { SecretStore } from './secret-store.js';

// Placeholder until the aws adapter lands.
// eslint-disable-next-line @typescript-eslint/require-await
export async function createAwsStore(_options: StoreOptions): Promise<SecretStore> {
  throw failureError('STORE_NOT_IMPLEMENTED', 'the aws store is not implemented yet');
}
