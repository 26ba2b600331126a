import { AwsCalls } from './aws/calls.js';
import { AwsStore } from './aws/store.js';
import { resolveAwsTarget } from './aws/target.js';
import { importSdk, type StoreOptions } from './registry.js';
import type { SecretStore } from './secret-store.js';

/**
 * The aws store (AWS Secrets Manager). Region, endpoint and credentials are resolved and checked
 * before the SDK is loaded; the SDK is imported only here, only when this store is used.
 */
export async function createAwsStore(options: StoreOptions): Promise<SecretStore> {
  const target = resolveAwsTarget(options);
  const sdk = await importSdk('aws', () => import('@aws-sdk/client-secrets-manager'));
  // On Node 20 the SDK prints a deprecation warning on stderr when a client is built; this
  // variable, read at that moment, is its only switch (research §1). A user's own setting wins.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const client = new sdk.SecretsManagerClient({
    region: target.region,
    ...(target.endpoint === undefined ? {} : { endpoint: target.endpoint }),
    ...(target.credentials === undefined ? {} : { credentials: target.credentials }),
    // SPEC §9.5: withRetry is the one retry policy; the SDK's own is off.
    maxAttempts: 1,
    // Without these a stalled connection hangs the command for the SDK's 5-minute default.
    // Without throwOnRequestTimeout the SDK only logs a warning and a stalled endpoint hangs forever.
    requestHandler: {
      connectionTimeout: 10_000,
      requestTimeout: 30_000,
      throwOnRequestTimeout: true,
    },
  });
  const calls = new AwsCalls(sdk, client, target, options.env, options.retry);
  const where =
    target.endpoint === undefined ? target.region : `${target.region}, ${target.endpoint}`;
  return new AwsStore(calls, options.project, options.env, `aws (${where})`);
}
