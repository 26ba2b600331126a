import { usageError } from '../../errors.js';
import type { StoreOptions } from '../registry.js';

const CREDENTIALS_FILE = '.tsdevstack/.credentials.aws.json';

/** Where and as whom the aws store talks, resolved before the SDK is loaded. */
export interface AwsTarget {
  region: string;
  /** an explicit endpoint (emulators, tests); undefined means the SDK's own resolution */
  endpoint: string | undefined;
  /** static keys from the credentials entry; undefined means the SDK's default chain */
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } | undefined;
  /** who we are, for permission errors: never a secret key or token */
  identity: string;
}

export function resolveAwsTarget(options: StoreOptions): AwsTarget {
  const entry = options.credentials ?? {};
  const env = options.processEnv;
  const region = text(entry.region) ?? text(env.AWS_REGION) ?? text(env.AWS_DEFAULT_REGION);
  if (region === undefined) {
    throw usageError(
      'AWS_REGION_MISSING',
      `no AWS region for environment "${options.env}"`,
      `Set "region" for "${options.env}" in ${CREDENTIALS_FILE}, or set AWS_REGION.`,
    );
  }
  if (!/^[a-z0-9-]{1,50}$/.test(region)) {
    throw usageError(
      'AWS_REGION_INVALID',
      `the AWS region for environment "${options.env}" is not a region name: ${region}`,
      'Use a region code such as eu-west-1.',
    );
  }

  // The SDK's own endpoint variables win over the file (SPEC §9.3), unless the user told the SDK
  // to ignore them. Reading them here (not leaving it to the SDK) applies the loopback rule.
  const fromEnv =
    env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS === 'true'
      ? undefined
      : (text(env.AWS_ENDPOINT_URL_SECRETS_MANAGER) ?? text(env.AWS_ENDPOINT_URL));
  const endpoint = fromEnv ?? text(entry.endpoint);
  if (endpoint !== undefined) checkEndpoint(endpoint, options.env);

  const accessKeyId = text(entry.accessKeyId);
  const secretAccessKey = text(entry.secretAccessKey);
  const sessionToken = text(entry.sessionToken);
  const credentials =
    accessKeyId !== undefined && secretAccessKey !== undefined
      ? { accessKeyId, secretAccessKey, ...(sessionToken === undefined ? {} : { sessionToken }) }
      : undefined;

  return { region, endpoint, credentials, identity: describeIdentity(entry, env) };
}

/** Plain http only to this machine: anything else would send signed requests in the clear. */
function checkEndpoint(endpoint: string, env: string): void {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw usageError(
      'ENDPOINT_INVALID',
      `the AWS endpoint for environment "${env}" is not a URL: ${endpoint}`,
    );
  }
  if (url.protocol === 'https:') return;
  if (url.protocol === 'http:' && isLoopback(url.hostname)) return;
  throw usageError(
    'INSECURE_ENDPOINT',
    `the AWS endpoint ${endpoint} for environment "${env}" is not https; plain http is accepted only for loopback addresses`,
    'Use an https:// endpoint, or http://127.0.0.1:PORT for a local emulator.',
  );
}

export function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return (
    host === 'localhost' ||
    host === '::1' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) ||
    /^::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)
  );
}

function describeIdentity(
  entry: Record<string, unknown>,
  env: Readonly<Record<string, string | undefined>>,
): string {
  const accessKeyId = text(entry.accessKeyId);
  const accountId = text(entry.accountId);
  if (accessKeyId !== undefined) {
    return `access key ${accessKeyId}${accountId === undefined ? '' : ` (account ${accountId})`}`;
  }
  if (text(env.AWS_PROFILE) !== undefined) return `AWS profile ${String(env.AWS_PROFILE)}`;
  if (text(env.AWS_ACCESS_KEY_ID) !== undefined) {
    return `access key ${String(env.AWS_ACCESS_KEY_ID)} (from AWS_ACCESS_KEY_ID)`;
  }
  return 'the AWS default credential chain';
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}
